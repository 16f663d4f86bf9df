package org.safemap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.db.Database;
import org.safemap.geocode.GazetteerLoader;
import org.safemap.geocode.Geocoder;
import org.safemap.geocode.LocationInput;
import org.safemap.geocode.PostcodeLoader;
import org.safemap.geocode.StreetGazetteer;
import org.safemap.geocode.UprnLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap geocode ...}: the reference data that places records without coordinates, and a lookup. */
@Command(
        name = "geocode",
        mixinStandardHelpOptions = true,
        description = {
            "Load what the geocoder looks locations up in: postcodes (Code-Point Open or the ONS Postcode "
                    + "Directory), UPRNs (OS Open UPRN) and a gazetteer of streets and venues; or try a lookup.",
            "See docs/feeds.md, 'Geocoding'."
        },
        subcommands = {
            GeocodeCommand.Postcodes.class,
            GeocodeCommand.Uprns.class,
            GeocodeCommand.Gazetteer.class,
            GeocodeCommand.Streets.class,
            GeocodeCommand.Find.class
        })
final class GeocodeCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    @Command(
            name = "postcodes",
            mixinStandardHelpOptions = true,
            description = {
                "Load postcode centroids: OS Code-Point Open CSV (no header; postcode, quality, easting, "
                        + "northing, ...) or the ONS Postcode Directory (header with pcds, oseast1m, osnrth1m). Adds and "
                        + "updates; terminated postcodes stay findable."
            })
    static final class Postcodes implements Callable<Integer> {
        @ParentCommand
        GeocodeCommand geocode;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "CSV files, optionally .gz.")
        List<Path> files;

        @Override
        public Integer call() {
            return geocode.cli.loadEach(files, (db, file, progress) -> {
                PostcodeLoader.Result r = new PostcodeLoader(db.dataSource()).load(file, progress);
                return String.format(
                        Locale.UK,
                        "%,d postcodes read (%s), %,d stored, %,d without coordinates skipped",
                        r.rows(),
                        r.format(),
                        r.stored(),
                        r.noCoordinates());
            });
        }
    }

    @Command(
            name = "uprn",
            mixinStandardHelpOptions = true,
            description = "Load OS Open UPRN CSV (UPRN, X_COORDINATE, Y_COORDINATE, ...). Adds and updates.")
    static final class Uprns implements Callable<Integer> {
        @ParentCommand
        GeocodeCommand geocode;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "CSV files, optionally .gz.")
        List<Path> files;

        @Override
        public Integer call() {
            return geocode.cli.loadEach(files, (db, file, progress) -> {
                UprnLoader.Result r = new UprnLoader(db.dataSource()).load(file, progress);
                return String.format(Locale.UK, "%,d UPRNs read, %,d stored", r.rows(), r.stored());
            });
        }
    }

    @Command(
            name = "gazetteer",
            mixinStandardHelpOptions = true,
            description = {
                "Load named places: CSV with name, kind (street, venue, place), locality and x, y "
                        + "(EPSG:27700) or longitude, latitude, optionally precision_m. Adds and updates."
            })
    static final class Gazetteer implements Callable<Integer> {
        @ParentCommand
        GeocodeCommand geocode;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "CSV files, optionally .gz.")
        List<Path> files;

        @Override
        public Integer call() {
            return geocode.cli.loadEach(files, (db, file, progress) -> {
                GazetteerLoader.Result r = new GazetteerLoader(db.dataSource()).load(file, progress);
                return String.format(Locale.UK, "%,d places read, %,d stored", r.rows(), r.stored());
            });
        }
    }

    @Command(
            name = "streets",
            mixinStandardHelpOptions = true,
            description = {
                "Build street entries from loaded police.uk records: their 'On or near <street>' map "
                        + "points, grouped by name and place, become streets at the points' centre. Run after loading "
                        + "police.uk files and ward boundaries."
            })
    static final class Streets implements Callable<Integer> {
        @ParentCommand
        GeocodeCommand geocode;

        @Override
        public Integer call() {
            Terminal t = geocode.cli.terminal();
            Database db = geocode.cli.services().database();
            StreetGazetteer.Result r = new StreetGazetteer(db.dataSource()).build();
            t.line(String.format(
                    Locale.UK,
                    "Streets: %,d map points read, %,d street entries added or changed",
                    r.points(),
                    r.streets()));
            return Cli.OK;
        }
    }

    @Command(
            name = "find",
            mixinStandardHelpOptions = true,
            description = {
                "Look a location up the way ingest would, and say how it was found and how precisely.",
                "Example: safemap geocode find \"outside the Grapes, Bold Stret\""
            })
    static final class Find implements Callable<Integer> {
        @ParentCommand
        GeocodeCommand geocode;

        @Option(names = "--postcode", description = "A postcode, as a feed's postcode column would give it.")
        String postcode;

        @Option(names = "--uprn", description = "A UPRN.")
        Long uprn;

        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "Free-text location.")
        String text;

        @Override
        public Integer call() {
            Terminal t = geocode.cli.terminal();
            if (text == null && postcode == null && uprn == null) {
                return Cli.usage(
                        geocode.spec.subcommands().get("find").getCommandSpec(), "give TEXT, --postcode or --uprn");
            }
            Database db = geocode.cli.services().database();
            LocationInput in =
                    LocationInput.none().withText(text).withPostcode(postcode).withUprn(uprn);
            Geocoder.Result r = new Geocoder(db.dataSource()).resolve(List.of(in))[0];
            if (!r.ok()) {
                t.line("Not found: " + r.failure());
                return Cli.FAILED;
            }
            t.line(String.format(
                    Locale.UK,
                    "%s: easting %.0f, northing %.0f (EPSG:27700), within %.0f m%s",
                    r.method().code(),
                    r.x(),
                    r.y(),
                    r.precisionM(),
                    r.matched() == null ? "" : "; matched '" + r.matched() + "'"));
            return Cli.OK;
        }
    }
}
