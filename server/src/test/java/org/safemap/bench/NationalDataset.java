package org.safemap.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.safemap.geo.Crs;
import org.safemap.geo.GreatBritain;

/**
 * A national-size synthetic benchmark dataset for England and Wales, reproducible from a fixed seed, since no national
 * extract is at hand: police.uk street-level CSVs for 43 force-like feeds and any run of months, a partner feed (fire
 * and rescue deliberate fires, IRS layout), and national-size synthetic LSOAs.
 *
 * <p>How the records are made. Every record copies a real record of the bundled Merseyside police.uk months: its
 * crime type, outcome and "On or near" location, and its position relative to Liverpool's centre. That offset is
 * rotated by an angle fixed per town and scaled by √(town population / Merseyside's 1.4 million), then added to the
 * centre of one of 150 real towns and cities of England and Wales (London as 15 parts), chosen in proportion to
 * population; so each town has Merseyside's real mix of dense centres, snap points shared by several records and
 * quieter suburbs, at its own size. One record in ten is rural instead: a town of the force plus a Gaussian offset of
 * 12 km. A point that falls outside Great Britain's outline (the sea of a coastal town) is drawn again. Each town
 * belongs to its real police force, whose name the file carries in "Reported by" and "Falls within". Merseyside
 * itself is rotated by 0 at scale 1, so its files repeat the real pattern. Months: the record and the month's volume
 * come from the bundled month of the same calendar month (January to July are at hand; August to December mirror July
 * to March). A file is seeded by its force and month alone, so the 12 months of a one-year slice are the same files as
 * those months of the 60-month set.
 *
 * <p>The areas: LSOA-like Voronoi cells (as {@link SyntheticBoundaries}) whose sites are drawn from the same town
 * model (so areas are small where people are), 35,000 by default, England and Wales' count.
 *
 * <p>Usage: {@code java -cp server/target/test-classes:server/target/safemap.jar org.safemap.bench.NationalDataset
 * OUT_DIR [ROWS_PER_YEAR (6000000)] [FIRST_MONTH (2022-01)] [MONTHS (12)] [AREAS (35000)]}. Writes
 * {@code OUT_DIR/police-uk/YYYY-MM/YYYY-MM-<force>-street.csv}, {@code OUT_DIR/fire-irs/YYYY-MM-fire-irs.csv} and
 * {@code OUT_DIR/lsoa-<AREAS>.geojson.gz} (skipped when present).
 */
public final class NationalDataset {
    static final long SEED = 20_261_207L;
    /** Merseyside Police's area, whose records are the templates: about 1.4 million people. */
    private static final double TEMPLATE_POPULATION = 1400;
    /** Fire and rescue deliberate fires per police record, roughly the national ratio (about 80,000 a year to 6M). */
    private static final double FIRES_PER_RECORD = 0.015;

    private static final String[] FORCES = {
        "Avon and Somerset Constabulary",
        "Bedfordshire Police",
        "Cambridgeshire Constabulary",
        "Cheshire Constabulary",
        "City of London Police",
        "Cleveland Police",
        "Cumbria Constabulary",
        "Derbyshire Constabulary",
        "Devon & Cornwall Police",
        "Dorset Police",
        "Durham Constabulary",
        "Dyfed-Powys Police",
        "Essex Police",
        "Gloucestershire Constabulary",
        "Greater Manchester Police",
        "Gwent Police",
        "Hampshire Constabulary",
        "Hertfordshire Constabulary",
        "Humberside Police",
        "Kent Police",
        "Lancashire Constabulary",
        "Leicestershire Police",
        "Lincolnshire Police",
        "Merseyside Police",
        "Metropolitan Police Service",
        "Norfolk Constabulary",
        "North Wales Police",
        "North Yorkshire Police",
        "Northamptonshire Police",
        "Northumbria Police",
        "Nottinghamshire Police",
        "South Wales Police",
        "South Yorkshire Police",
        "Staffordshire Police",
        "Suffolk Constabulary",
        "Surrey Police",
        "Sussex Police",
        "Thames Valley Police",
        "Warwickshire Police",
        "West Mercia Police",
        "West Midlands Police",
        "West Yorkshire Police",
        "Wiltshire Police"
    };

    /**
     * Towns: force index, latitude, longitude, population in thousands (built-up areas, rounded), and a crime rate
     * relative to the average (only the City of London, with few residents and many workers, differs).
     */
    private static final double[][] TOWNS = {
        {0, 51.4545, -2.5879, 620},
        {0, 51.3811, -2.3590, 95},
        {0, 51.3459, -2.9770, 80},
        {0, 51.0150, -3.1000, 60},
        {0, 50.9420, -2.6330, 45},
        {1, 51.8787, -0.4200, 225},
        {1, 52.1364, -0.4675, 110},
        {2, 52.2053, 0.1218, 150},
        {2, 52.5695, -0.2405, 200},
        {2, 52.3300, -0.1800, 25},
        {3, 53.3900, -2.5970, 210},
        {3, 53.1930, -2.8930, 90},
        {3, 53.0979, -2.4410, 75},
        {3, 53.2587, -2.1270, 52},
        {4, 51.5155, -0.0922, 10, 8},
        {5, 54.5742, -1.2350, 175},
        {5, 54.6910, -1.2120, 90},
        {5, 54.5700, -1.3180, 85},
        {6, 54.8925, -2.9329, 75},
        {6, 54.1108, -3.2261, 56},
        {6, 54.3280, -2.7460, 29},
        {6, 54.6420, -3.5480, 25},
        {7, 52.9225, -1.4746, 260},
        {7, 53.2350, -1.4210, 90},
        {7, 53.2590, -1.9110, 22},
        {8, 50.3755, -4.1427, 265},
        {8, 50.7184, -3.5339, 130},
        {8, 50.4619, -3.5253, 65},
        {8, 50.2632, -5.0510, 20},
        {8, 50.2130, -5.3000, 40},
        {8, 51.0800, -4.0600, 30},
        {9, 50.7192, -1.8808, 400},
        {9, 50.6140, -2.4570, 52},
        {9, 50.7154, -2.4367, 20},
        {10, 54.7761, -1.5733, 50},
        {10, 54.5236, -1.5595, 93},
        {10, 54.6570, -1.6770, 25},
        {11, 51.8590, -4.3120, 16},
        {11, 51.6800, -4.1600, 50},
        {11, 52.4153, -4.0829, 19},
        {11, 51.8010, -4.9700, 14},
        {11, 52.5130, -3.3130, 11},
        {11, 51.9460, -3.3900, 8},
        {12, 51.7356, 0.4685, 110},
        {12, 51.5459, 0.7077, 295},
        {12, 51.8959, 0.8919, 120},
        {12, 51.5761, 0.4887, 110},
        {12, 51.7730, 0.1020, 85},
        {13, 51.8642, -2.2382, 130},
        {13, 51.8994, -2.0783, 115},
        {14, 53.4808, -2.2426, 1200},
        {14, 53.5780, -2.4290, 195},
        {14, 53.5450, -2.6320, 105},
        {14, 53.5409, -2.1114, 100},
        {14, 53.4106, -2.1575, 135},
        {14, 53.6097, -2.1561, 110},
        {15, 51.5842, -2.9977, 145},
        {15, 51.6530, -3.0210, 48},
        {15, 51.7770, -3.2070, 20},
        {16, 50.9097, -1.4044, 255},
        {16, 50.8198, -1.0880, 240},
        {16, 51.2667, -1.0876, 110},
        {16, 51.0632, -1.3080, 45},
        {16, 50.7010, -1.2920, 25},
        {16, 51.2480, -0.7630, 40},
        {17, 51.6565, -0.3903, 130},
        {17, 51.9038, -0.1966, 90},
        {17, 51.7520, -0.3360, 80},
        {17, 51.7526, -0.4692, 95},
        {18, 53.7676, -0.3274, 285},
        {18, 53.5675, -0.0800, 90},
        {18, 53.5809, -0.6502, 80},
        {19, 51.2720, 0.5290, 110},
        {19, 51.2802, 1.0789, 55},
        {19, 51.3800, 0.5300, 280},
        {19, 51.4460, 0.2170, 100},
        {19, 51.3813, 1.3862, 60},
        {19, 51.0814, 1.1695, 50},
        {19, 51.1465, 0.8750, 75},
        {20, 53.7632, -2.7031, 145},
        {20, 53.8175, -3.0357, 240},
        {20, 53.7488, -2.4877, 150},
        {20, 53.7893, -2.2405, 90},
        {20, 54.0466, -2.8007, 60},
        {21, 52.6369, -1.1398, 510},
        {21, 52.7721, -1.2062, 60},
        {22, 53.2307, -0.5406, 115},
        {22, 52.9120, -0.6420, 45},
        {22, 52.9789, -0.0266, 45},
        {22, 53.1436, 0.3363, 20},
        {23, 53.4084, -2.9916, 1400},
        {24, 51.4975, -0.1357, 600},
        {24, 51.5390, -0.1426, 600},
        {24, 51.5410, -0.0030, 600},
        {24, 51.4620, -0.0100, 600},
        {24, 51.3762, -0.0982, 600},
        {24, 51.4214, -0.2064, 600},
        {24, 51.4670, -0.3610, 600},
        {24, 51.5130, -0.3040, 600},
        {24, 51.5806, -0.3420, 600},
        {24, 51.6250, -0.1520, 600},
        {24, 51.6520, -0.0810, 600},
        {24, 51.5900, -0.0180, 600},
        {24, 51.5770, 0.1830, 600},
        {24, 51.4060, 0.0140, 600},
        {24, 51.4410, 0.1500, 600},
        {25, 52.6309, 1.2974, 215},
        {25, 52.6083, 1.7305, 40},
        {25, 52.7543, 0.3976, 45},
        {26, 53.0460, -2.9930, 65},
        {26, 53.3190, -3.4910, 45},
        {26, 53.2274, -4.1293, 18},
        {26, 53.2940, -3.7270, 35},
        {27, 53.9590, -1.0815, 210},
        {27, 53.9921, -1.5418, 75},
        {27, 54.2831, -0.3998, 60},
        {27, 54.3390, -1.4340, 17},
        {28, 52.2405, -0.9027, 225},
        {28, 52.3990, -0.7260, 60},
        {28, 52.4880, -0.7010, 60},
        {29, 54.9783, -1.6178, 800},
        {29, 54.9069, -1.3838, 275},
        {29, 55.1270, -1.5090, 37},
        {30, 52.9548, -1.1581, 730},
        {30, 53.1472, -1.1987, 110},
        {30, 53.0760, -0.8090, 30},
        {31, 51.4816, -3.1791, 480},
        {31, 51.6214, -3.9436, 300},
        {31, 51.5040, -3.5770, 50},
        {31, 51.7480, -3.3780, 45},
        {31, 51.6020, -3.3420, 60},
        {32, 53.3811, -1.4701, 685},
        {32, 53.5228, -1.1285, 160},
        {32, 53.4326, -1.3635, 110},
        {32, 53.5526, -1.4797, 95},
        {33, 53.0027, -2.1794, 370},
        {33, 52.8070, -2.1170, 70},
        {33, 52.8020, -1.6370, 75},
        {33, 52.6330, -1.6950, 75},
        {34, 52.0567, 1.1482, 145},
        {34, 52.2460, 0.7110, 40},
        {34, 52.4810, 1.7500, 70},
        {35, 51.2362, -0.5704, 80},
        {35, 51.3190, -0.5580, 105},
        {35, 51.3300, -0.2700, 75},
        {35, 51.2400, -0.1700, 80},
        {36, 50.8225, -0.1372, 480},
        {36, 51.1092, -0.1872, 115},
        {36, 50.7680, 0.2900, 100},
        {36, 50.8543, 0.5735, 92},
        {36, 50.8179, -0.3729, 110},
        {36, 50.8365, -0.7792, 30},
        {37, 51.4543, -0.9781, 320},
        {37, 51.7520, -1.2577, 160},
        {37, 52.0406, -0.7594, 265},
        {37, 51.5105, -0.5950, 165},
        {37, 51.6287, -0.7482, 125},
        {37, 51.8156, -0.8084, 70},
        {37, 52.0629, -1.3398, 50},
        {38, 52.5230, -1.4680, 90},
        {38, 52.3709, -1.2650, 75},
        {38, 52.2850, -1.5360, 95},
        {38, 52.1920, -1.7070, 30},
        {39, 52.1920, -2.2200, 100},
        {39, 52.6766, -2.4469, 145},
        {39, 52.7073, -2.7553, 75},
        {39, 52.0565, -2.7160, 60},
        {39, 52.3880, -2.2500, 55},
        {40, 52.4862, -1.8904, 1150},
        {40, 52.4068, -1.5197, 345},
        {40, 52.5862, -2.1288, 260},
        {40, 52.5860, -1.9820, 180},
        {40, 52.5120, -2.0810, 320},
        {41, 53.8008, -1.5491, 790},
        {41, 53.7950, -1.7594, 530},
        {41, 53.6458, -1.7850, 160},
        {41, 53.6833, -1.4977, 110},
        {41, 53.7248, -1.8658, 90},
        {42, 51.5558, -1.7797, 185},
        {42, 51.0688, -1.7945, 45},
        {42, 51.4600, -2.1160, 37},
        {42, 51.3190, -2.2080, 35}
    };

    private static final double RURAL_SHARE = 0.1;
    private static final double RURAL_SIGMA_M = 12_000;
    private static final String HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
            + "LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

    /** A bundled record: offset from Liverpool's centre in metres, and the text it lends a synthetic record. */
    record Template(double dx, double dy, String location, String crimeType, String outcome) {}

    /** A town in EPSG:27700 with its force, weight (population times rate), scale and rotation. */
    record Town(int force, double x, double y, double weight, double scale, double cos, double sin) {}

    private final List<List<Template>> templatesByMonth; // index 0..6: January to July
    private final int[] monthRows; // the bundled months' row counts
    private final List<Town> towns = new ArrayList<>();
    private final double totalWeight;

    NationalDataset(Path crimeDir) throws IOException {
        Crs.Transform toGrid = Crs.WGS84.to(Crs.BNG);
        double[] centre = new double[2];
        toGrid.apply(-2.9916, 53.4084, centre);
        double[] p = new double[2];
        templatesByMonth = new ArrayList<>();
        monthRows = new int[7];
        for (int m = 1; m <= 7; m++) {
            List<Template> list = new ArrayList<>();
            Path file = crimeDir.resolve(String.format(Locale.ROOT, "2022-%02d-merseyside-street.csv", m));
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (CSVRecord row : CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .build()
                        .parse(r)) {
                    monthRows[m - 1]++;
                    String lon = row.get("Longitude");
                    if (lon.isEmpty()) {
                        continue;
                    }
                    toGrid.apply(Double.parseDouble(lon), Double.parseDouble(row.get("Latitude")), p);
                    list.add(new Template(
                            p[0] - centre[0],
                            p[1] - centre[1],
                            row.get("Location"),
                            row.get("Crime type"),
                            row.get("Last outcome category")));
                }
            }
            templatesByMonth.add(list);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double total = 0;
        for (double[] t : TOWNS) {
            toGrid.apply(t[2], t[1], p);
            boolean merseyside = t[0] == 23;
            double angle = merseyside ? 0 : random.nextDouble() * 2 * Math.PI;
            double weight = t[3] * (t.length > 4 ? t[4] : 1);
            towns.add(new Town(
                    (int) t[0],
                    p[0],
                    p[1],
                    weight,
                    Math.sqrt(t[3] / TEMPLATE_POPULATION),
                    Math.cos(angle),
                    Math.sin(angle)));
            total += weight;
        }
        totalWeight = total;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long rowsPerYear = args.length > 1 ? Long.parseLong(args[1]) : 6_000_000L;
        YearMonth first = args.length > 2 ? YearMonth.parse(args[2]) : YearMonth.of(2022, 1);
        int months = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        int areas = args.length > 4 ? Integer.parseInt(args[4]) : 35_000;
        Path crime = Path.of(System.getenv().getOrDefault("DATA", "/work/shared/data"), "merseyside", "crime");
        NationalDataset data = new NationalDataset(crime);
        long start = System.nanoTime();
        Path lsoa = out.resolve("lsoa-" + areas + ".geojson.gz");
        Files.createDirectories(out);
        if (!Files.exists(lsoa)) {
            data.writeAreas(lsoa, areas);
        }
        AtomicLong rows = new AtomicLong();
        AtomicLong fires = new AtomicLong();
        // one task per force and month, on every core; each seeded by its force and month alone
        IntStream.range(0, months * FORCES.length).parallel().forEach(task -> {
            YearMonth month = first.plusMonths(task / FORCES.length);
            int force = task % FORCES.length;
            try {
                rows.addAndGet(data.writeForceMonth(out, force, month, rowsPerYear));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        IntStream.range(0, months).parallel().forEach(m -> {
            try {
                fires.addAndGet(data.writeFires(out, first.plusMonths(m), rowsPerYear));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.printf(
                Locale.ROOT,
                "%s: %,d police.uk rows in %d files (%d forces x %d months from %s), %,d fire rows, %d areas;"
                        + " %.1f s%n",
                out,
                rows.get(),
                months * FORCES.length,
                FORCES.length,
                months,
                first,
                fires.get(),
                areas,
                (System.nanoTime() - start) / 1e9);
    }

    /** The bundled month (0 = January .. 6 = July) that stands for a calendar month: August to December mirror. */
    static int sourceMonth(YearMonth month) {
        int m = month.getMonthValue();
        return m <= 7 ? m - 1 : 14 - m;
    }

    /** Records in England and Wales in a month: the year's rows spread as the bundled months' volumes. */
    long nationalRows(YearMonth month, long rowsPerYear) {
        double sum = 0;
        for (int m = 1; m <= 12; m++) {
            sum += monthRows[sourceMonth(YearMonth.of(2022, m))];
        }
        return Math.round(rowsPerYear * monthRows[sourceMonth(month)] / sum);
    }

    long writeForceMonth(Path out, int force, YearMonth month, long rowsPerYear) throws IOException {
        List<Town> mine = towns.stream().filter(t -> t.force() == force).toList();
        double forceWeight = mine.stream().mapToDouble(Town::weight).sum();
        long n = Math.round(nationalRows(month, rowsPerYear) * forceWeight / totalWeight);
        SplittableRandom random =
                new SplittableRandom(SEED * 31 + force * 1_000_003L + month.getYear() * 12L + month.getMonthValue());
        List<Template> templates = templatesByMonth.get(sourceMonth(month));
        String name = FORCES[force];
        String slug = name.toLowerCase(Locale.ROOT)
                .replace("&", "and")
                .replaceAll("[^a-z]+", "-")
                .replaceAll("-(police|constabulary|police-service)$", "");
        Path dir = out.resolve("police-uk").resolve(month.toString());
        Files.createDirectories(dir);
        Crs.Transform toWgs84 = Crs.BNG.to(Crs.WGS84);
        double[] p = new double[2];
        double[] ll = new double[2];
        String prefix = "," + month + "," + name + "," + name + ",";
        StringBuilder line = new StringBuilder(256);
        try (Writer w = new BufferedWriter(
                Files.newBufferedWriter(dir.resolve(month + "-" + slug + "-street.csv"), StandardCharsets.UTF_8),
                1 << 16)) {
            w.write(HEADER);
            for (long i = 0; i < n; i++) {
                Template t = templates.get(random.nextInt(templates.size()));
                place(mine, forceWeight, templates, random, p);
                toWgs84.apply(p[0], p[1], ll);
                line.setLength(0);
                if (!t.crimeType().equals("Anti-social behaviour")) {
                    for (int k = 0; k < 4; k++) {
                        hex(line, random.nextLong());
                    }
                }
                line.append(prefix);
                fixed(line, ll[0]);
                line.append(',');
                fixed(line, ll[1]);
                line.append(',');
                csv(line, t.location());
                line.append(",,,");
                csv(line, t.crimeType());
                line.append(',');
                csv(line, t.outcome());
                line.append(",\n");
                w.append(line);
            }
        }
        return n;
    }

    /** A fire and rescue file for the month: deliberate fires placed like police records, IRS column layout. */
    long writeFires(Path out, YearMonth month, long rowsPerYear) throws IOException {
        long n = Math.round(nationalRows(month, rowsPerYear) * FIRES_PER_RECORD);
        SplittableRandom random = new SplittableRandom(SEED * 17 + month.getYear() * 12L + month.getMonthValue());
        List<Template> templates = templatesByMonth.get(sourceMonth(month));
        Path dir = out.resolve("fire-irs");
        Files.createDirectories(dir);
        double[] p = new double[2];
        try (Writer w = new BufferedWriter(
                Files.newBufferedWriter(dir.resolve(month + "-fire-irs.csv"), StandardCharsets.UTF_8), 1 << 16)) {
            w.write("IncidentNumber,DateOfCall,TimeOfCall,IncidentGroup,StopCodeDescription,Motive,Easting_m,"
                    + "Northing_m\n");
            for (long i = 0; i < n; i++) {
                place(towns, totalWeight, templates, random, p);
                int day = 1 + random.nextInt(month.lengthOfMonth());
                int minute = random.nextInt(24 * 60);
                w.write(String.format(
                        Locale.ROOT,
                        "%s-%06d,%s-%02d,%02d:%02d:00,Fire,%s,Deliberate,%.0f,%.0f%n",
                        month,
                        i,
                        month,
                        day,
                        minute / 60,
                        minute % 60,
                        random.nextDouble() < 0.8 ? "Secondary Fire" : "Primary Fire",
                        p[0],
                        p[1]));
            }
        }
        return n;
    }

    /** A point in EPSG:27700 from the town model, inside Great Britain's outline (drawn again until it is). */
    private void place(List<Town> from, double weight, List<Template> templates, SplittableRandom random, double[] p) {
        for (int attempt = 0; ; attempt++) {
            Town town = pick(from, weight, random);
            if (random.nextDouble() < RURAL_SHARE) {
                p[0] = town.x() + gaussian(random) * RURAL_SIGMA_M;
                p[1] = town.y() + gaussian(random) * RURAL_SIGMA_M;
            } else {
                Template t = templates.get(random.nextInt(templates.size()));
                p[0] = town.x() + town.scale() * (town.cos() * t.dx() - town.sin() * t.dy());
                p[1] = town.y() + town.scale() * (town.sin() * t.dx() + town.cos() * t.dy());
            }
            if (GreatBritain.containsGrid(p[0], p[1]) || attempt > 50) {
                return;
            }
        }
    }

    private static Town pick(List<Town> from, double weight, SplittableRandom random) {
        double u = random.nextDouble() * weight;
        for (Town t : from) {
            u -= t.weight();
            if (u < 0) {
                return t;
            }
        }
        return from.get(from.size() - 1);
    }

    void writeAreas(Path out, int n) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        List<Template> templates = new ArrayList<>();
        templatesByMonth.forEach(templates::addAll);
        Envelope extent = new Envelope(140_000, 656_000, 10_000, 660_000);
        List<Coordinate> sites = new ArrayList<>(n);
        double[] p = new double[2];
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (sites.size() < n) {
            place(towns, totalWeight, templates, random, p);
            // areas hold people, not records: a site at most once per 50 m square (snap points repeat)
            if (extent.contains(p[0], p[1]) && seen.add((long) (p[0] / 50) * 100_000 + (long) (p[1] / 50))) {
                sites.add(new Coordinate(p[0], p[1]));
            }
        }
        SyntheticBoundaries.writeCells(out, sites, extent, 41);
    }

    private static double gaussian(SplittableRandom random) {
        return random.nextGaussian();
    }

    private static void hex(StringBuilder b, long v) {
        String h = Long.toHexString(v);
        for (int i = h.length(); i < 16; i++) {
            b.append('0');
        }
        b.append(h);
    }

    /** Six decimals, as police.uk writes coordinates. */
    private static void fixed(StringBuilder b, double v) {
        long micro = Math.round(v * 1e6);
        if (micro < 0) {
            b.append('-');
            micro = -micro;
        }
        b.append(micro / 1_000_000).append('.');
        String frac = Long.toString(micro % 1_000_000);
        for (int i = frac.length(); i < 6; i++) {
            b.append('0');
        }
        b.append(frac);
    }

    private static void csv(StringBuilder b, String v) {
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0) {
            b.append('"').append(v.replace("\"", "\"\"")).append('"');
        } else {
            b.append(v);
        }
    }
}
