package org.safemap.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.areas.BoundaryFiles;
import org.safemap.areas.BoundaryOptions;
import org.safemap.areas.DeprivationLoader;
import org.safemap.areas.HierarchyLoader;
import org.safemap.areas.PopulationLoader;
import org.safemap.config.Settings;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import org.safemap.ingest.FeedCatalog;
import org.safemap.ingest.IncidentLoader;

/**
 * Loads the team's real Merseyside files (../shared/data/merseyside) exactly as published, through SafeMap's
 * loaders, and reports how well their codes match: the figures in docs/areas.md. Needs SAFEMAP_DB_URL pointing at
 * an empty, migrated database.
 *
 * <p>Usage: {@code SAFEMAP_DB_URL=... java -cp server/target/test-classes:server/target/safemap.jar
 * org.safemap.bench.RealDataReport ../shared/data/merseyside}
 */
public final class RealDataReport {
    private RealDataReport() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Settings settings = Settings.fromEnvironment();
        try (Database db = Database.open(settings.externalDatabase().orElseThrow(), 4, "")) {
            db.migrate();
            AreaLoader areas = new AreaLoader(db.dataSource());
            for (String[] b : new String[][] {
                {"lsoa", "2011", "merseyside_lsoa_2011_bgc.geojson"},
                {"msoa", "2011", "merseyside_msoa_2011_bgc.geojson"},
                {"ward", "2013", "merseyside_wards_2013_bgc.geojson"}
            }) {
                AreaLevel level = AreaLevel.parse(b[0]);
                AreaLoader.Result r = areas.load(
                        BoundaryFiles.open(root.resolve("boundaries").resolve(b[2]), BoundaryOptions.detect(level)),
                        level,
                        Integer.parseInt(b[1]),
                        n -> {});
                System.out.printf(
                        Locale.UK,
                        "%s: %d areas, %d repaired%n",
                        b[2],
                        r.areas(),
                        r.repairedCodes().size());
            }
            var h = new HierarchyLoader(db.dataSource())
                    .load(
                            SourceFile.of(root.resolve("lookups/merseyside_oa11_lsoa11_msoa11_lad17_oac11_lookup.csv")),
                            new HierarchyLoader.Columns(null, null, null),
                            null,
                            null,
                            n -> {});
            System.out.printf(Locale.UK, "lookup: %d LSOAs, %d MSOAs%n", h.lsoas(), h.msoas());
            Path imd =
                    root.resolve("deprivation_population/merseyside_lsoa_imd2019_domains_and_population_mid2015.csv");
            var p = new PopulationLoader(db.dataSource())
                    .load(SourceFile.of(imd), AreaLevel.parse("lsoa"), 2011, null, null, null, n -> {});
            System.out.printf(
                    Locale.UK, "population: %d LSOAs, %,d residents (mid-%d)%n", p.rows(), p.total(), p.year());
            var d = new DeprivationLoader(db.dataSource())
                    .load(
                            SourceFile.of(imd),
                            2019,
                            2011,
                            new DeprivationLoader.Columns(null, null, null, null),
                            n -> {});
            System.out.printf(
                    Locale.UK,
                    "deprivation: %d LSOAs, %d domains%n",
                    d.rows(),
                    d.domains().size());
            // The national File 6 (population, quoted thousands separators, byte-order mark) loads as it is.
            var national = new PopulationLoader(db.dataSource())
                    .load(
                            SourceFile.of(root.resolve(
                                    "deprivation_population/File_6_-_IoD2019_Population_Denominators.csv.gz")),
                            AreaLevel.parse("lsoa"),
                            2011,
                            null,
                            null,
                            null,
                            n -> {});
            System.out.printf(
                    Locale.UK,
                    "File 6 (all England): %,d LSOAs, %,d residents (mid-%d)%n",
                    national.rows(),
                    national.total(),
                    national.year());

            IncidentLoader incidents = new IncidentLoader(db.dataSource());
            List<Path> crime;
            try (Stream<Path> files = Files.list(root.resolve("crime"))) {
                crime = files.filter(f -> f.getFileName().toString().endsWith(".csv"))
                        .sorted()
                        .toList();
            }
            for (Path f : crime) {
                String feed = f.getFileName().toString().contains("btp") ? "btp" : "police-uk";
                incidents.load(SourceFile.of(f), FeedCatalog.builtIn().get(feed), null);
            }
            try (var c = db.dataSource().getConnection();
                    var s = c.createStatement()) {
                for (String[] q : new String[][] {
                    {"police.uk rows (Merseyside force files)", "SELECT count(*) FROM incident WHERE feed <> 'btp'"},
                    {
                        "  with an LSOA code",
                        "SELECT count(*) FROM incident WHERE feed <> 'btp' AND stated_lsoa_code IS NOT NULL"
                    },
                    {
                        "  whose LSOA code is in the boundary file",
                        "SELECT count(*) FROM incident i WHERE feed <> 'btp' "
                                + "AND EXISTS (SELECT 1 FROM area a WHERE a.level = 'lsoa' AND a.code = i.stated_lsoa_code)"
                    },
                    {
                        "  whose point lies in that same LSOA",
                        "SELECT count(*) FROM incident WHERE feed <> 'btp' " + "AND lsoa_code = stated_lsoa_code"
                    },
                    {
                        "  whose point lies in no Merseyside LSOA",
                        "SELECT count(*) FROM incident WHERE feed <> 'btp' " + "AND area_match = 'outside'"
                    },
                    {
                        "British Transport Police rows (all Great Britain)",
                        "SELECT count(*) FROM incident WHERE feed = 'btp'"
                    },
                    {
                        "  whose point lies in a Merseyside LSOA",
                        "SELECT count(*) FROM incident WHERE feed = 'btp' " + "AND area_match = 'inside'"
                    },
                    {
                        "boundary LSOAs with population",
                        "SELECT count(*) FROM area a WHERE level = 'lsoa' AND EXISTS "
                                + "(SELECT 1 FROM area_population p WHERE p.code = a.code AND p.year = 2015)"
                    },
                    {
                        "boundary LSOAs with IMD 2019",
                        "SELECT count(*) FROM area a WHERE level = 'lsoa' AND EXISTS "
                                + "(SELECT 1 FROM lsoa_deprivation d WHERE d.code = a.code)"
                    },
                    {"quarantined rows", "SELECT count(*) FROM quarantine"}
                }) {
                    try (var rs = s.executeQuery(q[1])) {
                        rs.next();
                        System.out.printf(Locale.UK, "%-50s %,10d%n", q[0], rs.getLong(1));
                    }
                }
                try (var rs = s.executeQuery("SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC")) {
                    while (rs.next()) {
                        System.out.printf(Locale.UK, "  quarantine: %s: %,d%n", rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
    }
}
