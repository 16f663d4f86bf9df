"""The intruder's linear programme, solved by GLPK (Debian's python3-swiglpk): an independent reference for
SafeMap's table protection. Reads a JSON problem on standard input,

    {"n": variables, "lower": [...], "upper": [... or null for none],
     "equations": [[[variable, coefficient], ...], ...],   # each sums to 0
     "ask": [variable, ...]}

and writes, for each asked variable, its smallest and largest feasible value ([min, max], max null when unbounded)
as JSON on standard output. The simplex re-solves from the previous basis as only the objective changes."""
import json
import sys

import swiglpk as g


def main():
    g.glp_term_out(g.GLP_OFF)
    p = json.load(sys.stdin)
    n = p["n"]
    lp = g.glp_create_prob()
    g.glp_add_cols(lp, n)
    for j in range(n):
        lo, hi = p["lower"][j], p["upper"][j]
        if hi is None:
            g.glp_set_col_bnds(lp, j + 1, g.GLP_LO, lo, 0)
        elif hi == lo:
            g.glp_set_col_bnds(lp, j + 1, g.GLP_FX, lo, lo)
        else:
            g.glp_set_col_bnds(lp, j + 1, g.GLP_DB, lo, hi)
    eqs = p["equations"]
    g.glp_add_rows(lp, len(eqs))
    nonzeros = sum(len(e) for e in eqs)
    ia, ja, ar = g.intArray(nonzeros + 1), g.intArray(nonzeros + 1), g.doubleArray(nonzeros + 1)
    k = 1
    for i, e in enumerate(eqs):
        g.glp_set_row_bnds(lp, i + 1, g.GLP_FX, 0, 0)
        for var, coef in e:
            ia[k], ja[k], ar[k] = i + 1, var + 1, coef
            k += 1
    g.glp_load_matrix(lp, nonzeros, ia, ja, ar)
    parm = g.glp_smcp()
    g.glp_init_smcp(parm)
    parm.msg_lev = g.GLP_MSG_OFF
    g.glp_adv_basis(lp, 0)
    out = []
    previous = None
    for j in p["ask"]:
        if previous is not None:
            g.glp_set_obj_coef(lp, previous + 1, 0)
        g.glp_set_obj_coef(lp, j + 1, 1)
        previous = j
        ends = []
        for direction in (g.GLP_MIN, g.GLP_MAX):
            g.glp_set_obj_dir(lp, direction)
            if g.glp_simplex(lp, parm) != 0:
                g.glp_adv_basis(lp, 0)
                if g.glp_simplex(lp, parm) != 0:
                    raise SystemExit("GLPK could not solve for variable %d" % j)
            status = g.glp_get_status(lp)
            if status == g.GLP_UNBND:
                ends.append(None)
            elif status == g.GLP_OPT:
                ends.append(g.glp_get_obj_val(lp))
            else:
                raise SystemExit("the intruder's system is infeasible (status %d): the published table is "
                                 "inconsistent" % status)
        out.append(ends)
    json.dump(out, sys.stdout)


main()
