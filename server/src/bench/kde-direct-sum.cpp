// A plain direct sum of the quartic kernel in C++ for R (Rcpp), one thread: every point adds to every cell centre of
// the square around it that lies within the bandwidth. The baseline SafeMap's exact KDE is timed against.
#include <Rcpp.h>
#include <cmath>
using namespace Rcpp;

// [[Rcpp::export]]
NumericVector quarticDirectSum(NumericVector x, NumericVector y, double minX, double minY, double cell,
                               int columns, int rows, double h) {
    NumericVector out(columns * rows);
    double h2 = h * h, norm = 3.0 / (M_PI * h2) * 1e6;
    for (R_xlen_t p = 0; p < x.size(); p++) {
        int i0 = std::max(0, (int) std::floor((x[p] - h - minX) / cell - 0.5));
        int i1 = std::min(columns - 1, (int) std::ceil((x[p] + h - minX) / cell - 0.5));
        int j0 = std::max(0, (int) std::floor((y[p] - h - minY) / cell - 0.5));
        int j1 = std::min(rows - 1, (int) std::ceil((y[p] + h - minY) / cell - 0.5));
        for (int j = j0; j <= j1; j++) {
            double dy = minY + (j + 0.5) * cell - y[p];
            for (int i = i0; i <= i1; i++) {
                double dx = minX + (i + 0.5) * cell - x[p];
                double d2 = dx * dx + dy * dy;
                if (d2 < h2) {
                    double t = 1 - d2 / h2;
                    out[j * columns + i] += norm * t * t;
                }
            }
        }
    }
    return out;
}
