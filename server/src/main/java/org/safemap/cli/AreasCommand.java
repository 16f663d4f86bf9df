package org.safemap.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.areas.AreaAssigner;
import org.safemap.areas.AreaInventory;
import org.safemap.areas.AreaLevel;
import org.safemap.areas.AreaLoader;
import org.safemap.areas.BoundaryFiles;
import org.safemap.areas.BoundaryOptions;
import org.safemap.areas.DeprivationLoader;
import org.safemap.areas.HierarchyLoader;
import org.safemap.areas.IncidentAreaUpdater;
import org.safemap.areas.LsoaChangeLoader;
import org.safemap.areas.PopulationLoader;
import org.safemap.db.Database;
import org.safemap.files.SourceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap areas ...}: boundaries, lookups, denominators, deprivation, and assigning incidents to areas. */
@Command(
        name = "areas",
        mixinStandardHelpOptions = true,
        description = {
            "Load and inspect geography: boundaries (LSOA, MSOA, ward, district, custom sets), the "
                    + "LSOA -> MSOA -> district hierarchy, the 2011 -> 2021 LSOA lookup, population and deprivation.",
            "See docs/areas.md."
        },
        subcommands = {
            AreasCommand.Load.class,
            AreasCommand.Hierarchy.class,
            AreasCommand.LsoaChanges.class,
            AreasCommand.Population.class,
            AreasCommand.Deprivation.class,
            AreasCommand.Assign.class,
            AreasCommand.ListLoaded.class
        })
final class AreasCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    /** Gives every stored incident its areas again, with a progress bar. */
    static void reassign(Database db, Terminal t) {
        IncidentAreaUpdater updater = new IncidentAreaUpdater(db.dataSource());
        long total = updater.count();
        if (total == 0) {
            return;
        }
        var progress = t.progress("assigning " + String.format(Locale.UK, "%,d", total) + " incidents to areas", total);
        IncidentAreaUpdater.Result r = updater.reassignAll(AreaAssigner.load(db.dataSource()), progress);
        t.done(
                "Incidents",
                String.format(
                        Locale.UK,
                        "%,d assigned to areas, %,d changed, %,d outside every loaded LSOA",
                        r.incidents(),
                        r.changed(),
                        r.outside()));
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description = {
                "Load a boundary file as one level and vintage, replacing that vintage in one transaction.",
                "GeoJSON (.geojson, .json, optionally .gz), GeoPackage (.gpkg) or a zipped Shapefile (.zip; needs GDAL's "
                        + "ogr2ogr). Coordinates in EPSG:27700, 4326 or 3857 are detected and stored as EPSG:27700; "
                        + "invalid geometries are repaired and reported; duplicate codes refuse the file. Then every "
                        + "stored incident is assigned to the new areas."
            })
    static final class Load implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Option(names = "--level", required = true, description = "lsoa, msoa, ward, lad or custom:<name>")
        String level;

        @Option(names = "--vintage", required = true, description = "Boundary year, e.g. 2011 or 2021.")
        int vintage;

        @Option(
                names = "--code-field",
                description = "Property holding the area code (default: ONS name such as LSOA11CD).")
        String codeField;

        @Option(
                names = "--name-field",
                description = "Property holding the area name (default: ONS name such as LSOA11NM).")
        String nameField;

        @Option(
                names = "--layer",
                description = "Table (GeoPackage) or Shapefile (zip) to read when there are several.")
        String layer;

        @Option(
                names = "--crs",
                paramLabel = "EPSG:n",
                description =
                        "The file's coordinate reference system, "
                                + "EPSG:27700, EPSG:4326 or EPSG:3857, when it names none (a Shapefile without .prj) or names it wrongly.")
        String crs;

        @Option(names = "--no-assign", description = "Do not re-assign stored incidents afterwards.")
        boolean noAssign;

        @Parameters(paramLabel = "FILE", description = "The boundary file.")
        Path file;

        @Override
        public Integer call() {
            Terminal t = areas.cli.terminal();
            AreaLevel lvl = AreaLevel.parse(level);
            BoundaryFiles.Opened opened =
                    BoundaryFiles.open(file, new BoundaryOptions(lvl, layer, codeField, nameField, epsg(crs)));
            Database db = areas.cli.services().database();
            var progress =
                    t.progress("loading " + opened.file().name(), opened.file().rawSize());
            AreaLoader.Result r = new AreaLoader(db.dataSource()).load(opened, lvl, vintage, progress);
            if (r.unchanged()) {
                t.done(
                        opened.file().name(),
                        String.format(
                                Locale.UK,
                                "already the current %s %d boundaries (%,d areas); nothing changed",
                                lvl,
                                vintage,
                                r.areas()));
                return Cli.OK;
            }
            t.done(
                    opened.file().name(),
                    String.format(
                            Locale.UK,
                            "%,d %s %d boundaries (%s, EPSG:%d, code %s, name %s)",
                            r.areas(),
                            lvl,
                            vintage,
                            opened.format().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            r.srid(),
                            r.codeField(),
                            r.nameField()));
            if (!r.repairedCodes().isEmpty()) {
                t.line("  repaired invalid geometry of " + r.repairedCodes().size() + ": "
                        + String.join(
                                ", ",
                                r.repairedCodes()
                                        .subList(
                                                0,
                                                Math.min(10, r.repairedCodes().size())))
                        + (r.repairedCodes().size() > 10 ? ", ..." : ""));
            }
            if (!noAssign) {
                reassign(db, t);
            }
            return Cli.OK;
        }
    }

    /** "EPSG:27700" or "27700" to 27700; null stays null. */
    static Integer epsg(String crs) {
        if (crs == null) {
            return null;
        }
        String digits = crs.strip().toUpperCase(Locale.ROOT).replaceFirst("^EPSG:+", "");
        try {
            return Integer.valueOf(digits);
        } catch (NumberFormatException e) {
            throw new org.safemap.SafemapException(
                    ErrorCode.BAD_REQUEST, "--crs must look like EPSG:27700; got '" + crs + "'");
        }
    }

    @Command(
            name = "hierarchy",
            mixinStandardHelpOptions = true,
            description = {
                "Load the LSOA -> MSOA -> district best-fit hierarchy from an ONS lookup CSV (one row per "
                        + "Output Area or per LSOA). Rows are added to or update what is stored; then incidents are "
                        + "re-assigned so their MSOA and district follow their LSOA."
            })
    static final class Hierarchy implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Option(names = "--lsoa-field", description = "Column of LSOA codes (default: LSOAyyCD).")
        String lsoaField;

        @Option(names = "--msoa-field", description = "Column of MSOA codes (default: MSOAyyCD).")
        String msoaField;

        @Option(names = "--lad-field", description = "Column of district codes (default: LADyyCD).")
        String ladField;

        @Option(
                names = "--vintage",
                description = "Vintage of the LSOA and MSOA codes (default: from the column name).")
        Integer vintage;

        @Option(names = "--lad-vintage", description = "Vintage of the district codes (default: from the column name).")
        Integer ladVintage;

        @Option(names = "--no-assign", description = "Do not re-assign stored incidents afterwards.")
        boolean noAssign;

        @Parameters(paramLabel = "FILE", description = "The lookup CSV.")
        Path file;

        @Override
        public Integer call() {
            Terminal t = areas.cli.terminal();
            SourceFile source = SourceFile.of(file);
            Database db = areas.cli.services().database();
            HierarchyLoader.Result r = new HierarchyLoader(db.dataSource())
                    .load(
                            source,
                            new HierarchyLoader.Columns(lsoaField, msoaField, ladField),
                            vintage,
                            ladVintage,
                            t.progress(source.name(), source.rawSize()));
            t.done(
                    source.name(),
                    String.format(
                            Locale.UK,
                            "%,d LSOAs and %,d MSOAs (%d) with districts (%d); " + "%,d links added or changed",
                            r.lsoas(),
                            r.msoas(),
                            r.lsoaVintage(),
                            r.ladVintage(),
                            r.changed()));
            if (!noAssign) {
                reassign(db, t); // after the summary, so its own progress bar does not cut into the load's
            }
            return Cli.OK;
        }
    }

    @Command(
            name = "lsoa-changes",
            mixinStandardHelpOptions = true,
            description = "Load the ONS LSOA 2011 -> 2021 lookup (LSOA11CD, LSOA21CD, CHGIND: U, S, M or X).")
    static final class LsoaChanges implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Option(names = "--from-field", description = "Column of 2011 codes (default: LSOA11CD).")
        String fromField;

        @Option(names = "--to-field", description = "Column of 2021 codes (default: LSOA21CD).")
        String toField;

        @Option(names = "--change-field", description = "Column of change indicators (default: CHGIND).")
        String changeField;

        @Parameters(paramLabel = "FILE", description = "The lookup CSV.")
        Path file;

        @Override
        public Integer call() {
            return areas.cli.loadEach(List.of(file), (db, source, progress) -> {
                LsoaChangeLoader.Result r =
                        new LsoaChangeLoader(db.dataSource()).load(source, fromField, toField, changeField, progress);
                return String.format(Locale.UK, "%,d links, %,d added or changed", r.rows(), r.changed());
            });
        }
    }

    @Command(
            name = "population",
            mixinStandardHelpOptions = true,
            description = "Load resident population per area for one year (ONS mid-year estimates CSV).")
    static final class Population implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Option(
                names = "--level",
                defaultValue = "lsoa",
                description = "Level of the codes (default: ${DEFAULT-VALUE}).")
        String level;

        @Option(names = "--vintage", required = true, description = "Vintage of the area codes, e.g. 2011.")
        int vintage;

        @Option(names = "--year", description = "Year of the estimate (default: from the column name, 'mid 2015').")
        Integer year;

        @Option(
                names = "--code-field",
                description = "Column of area codes (default: detected, e.g. 'LSOA code (2011)').")
        String codeField;

        @Option(
                names = "--population-field",
                description = "Column of totals (default: 'Total population ...' or " + "'All Ages').")
        String populationField;

        @Parameters(paramLabel = "FILE", description = "The population CSV.")
        Path file;

        @Override
        public Integer call() {
            return areas.cli.loadEach(List.of(file), (db, source, progress) -> {
                PopulationLoader.Result r = new PopulationLoader(db.dataSource())
                        .load(source, AreaLevel.parse(level), vintage, year, codeField, populationField, progress);
                return String.format(
                        Locale.UK,
                        "%,d areas, mid-%d, %,d residents (column '%s'); %,d added or changed",
                        r.rows(),
                        r.year(),
                        r.total(),
                        r.populationField(),
                        r.changed());
            });
        }
    }

    @Command(
            name = "deprivation",
            mixinStandardHelpOptions = true,
            description = "Load the Index of Multiple Deprivation per LSOA (rank, decile, score and domains) from CSV.")
    static final class Deprivation implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Option(names = "--edition", description = "Year of the index (default: from the file name, e.g. IMD2019).")
        Integer edition;

        @Option(names = "--vintage", defaultValue = "2011", description = "LSOA vintage (default: ${DEFAULT-VALUE}).")
        int vintage;

        @Option(names = "--code-field", description = "Column of LSOA codes (default: detected).")
        String codeField;

        @Option(names = "--rank-field", description = "Column of IMD ranks (default: detected).")
        String rankField;

        @Option(names = "--decile-field", description = "Column of IMD deciles (default: detected).")
        String decileField;

        @Option(names = "--score-field", description = "Column of IMD scores (default: detected when present).")
        String scoreField;

        @Parameters(paramLabel = "FILE", description = "The deprivation CSV.")
        Path file;

        @Override
        public Integer call() {
            return areas.cli.loadEach(List.of(file), (db, source, progress) -> {
                DeprivationLoader.Result r = new DeprivationLoader(db.dataSource())
                        .load(
                                source,
                                edition,
                                vintage,
                                new DeprivationLoader.Columns(codeField, rankField, decileField, scoreField),
                                progress);
                return String.format(
                        Locale.UK,
                        "IMD %d for %,d LSOAs with %d domains (%s); %,d added or changed",
                        r.edition(),
                        r.rows(),
                        r.domains().size(),
                        String.join(", ", r.domains()),
                        r.changed());
            });
        }
    }

    @Command(
            name = "assign",
            mixinStandardHelpOptions = true,
            description =
                    "Assign every stored incident to the areas loaded now (done after each load unless --no-assign).")
    static final class Assign implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Override
        public Integer call() {
            Database db = areas.cli.services().database();
            reassign(db, areas.cli.terminal());
            return Cli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Say what geography is loaded.")
    static final class ListLoaded implements Callable<Integer> {
        @ParentCommand
        AreasCommand areas;

        @Override
        public Integer call() throws SQLException {
            Terminal t = areas.cli.terminal();
            Database db = areas.cli.services().database();
            var lines = new AreaInventory(db.dataSource()).lines();
            if (lines.isEmpty()) {
                t.line("No geography is loaded yet; see safemap areas load --help.");
            }
            String kind = "";
            for (AreaInventory.Line line : lines) {
                if (!line.kind().equals(kind)) {
                    kind = line.kind();
                    t.line(kind + ":");
                }
                t.line(String.format("  %-28s %s", line.what(), line.detail()));
            }
            return Cli.OK;
        }
    }
}
