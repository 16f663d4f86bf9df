package org.safemap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.config.DatabaseTarget;
import org.safemap.db.Database;
import org.safemap.map.LayerCatalogue;
import org.safemap.publish.Attributions;
import org.safemap.publish.DatastoreParams;
import org.safemap.publish.GeoServerConnection;
import org.safemap.publish.GeoServerPlan;
import org.safemap.publish.GeoServerPublisher;
import org.safemap.publish.LayerSelection;
import org.safemap.publish.PublishedLayer;
import org.safemap.publish.RunSurfaces;
import org.safemap.publish.Upsert;
import org.safemap.runs.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap publish geoserver}: the catalogue's per-area layers into a GeoServer, through its REST API. */
@Command(
        name = "geoserver",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publish SafeMap's per-area layers to a GeoServer through its REST API: the workspace, a "
                    + "PostGIS datastore over SafeMap's 'geoserver' schema of views, the SLD styles from layers/styles, "
                    + "a feature type and layer per catalogue layer, and a layer group. Run it again to update: each "
                    + "resource is looked up first and updated if it exists, never duplicated.",
            "",
            "Only public layers are published unless --include-partner is given. Incident points and the "
                    + "per-request density layers are never published: GeoServer reads PostGIS directly and "
                    + "cannot apply SafeMap's per-record rules or compute the surfaces. With --surfaces-dir, the "
                    + "stored surfaces of hotspot runs over public feeds are published as GeoTIFF coverages.",
            "",
            "The GeoServer password comes from --password-file or SAFEMAP_GEOSERVER_PASSWORD, never from "
                    + "the command line. See docs/deploy.md.",
            "",
            "Example: SAFEMAP_GEOSERVER_PASSWORD=... safemap publish geoserver --url http://localhost:8600/geoserver "
                    + "--user admin --workspace safemap --db-host postgis --dry-run"
        })
final class PublishGeoServerCommand implements Callable<Integer> {
    static final String PASSWORD_ENV = "SAFEMAP_GEOSERVER_PASSWORD";
    static final String DB_PASSWORD_ENV = "SAFEMAP_GEOSERVER_DB_PASSWORD";

    @ParentCommand
    PublishCommand parent;

    @Option(
            names = "--url",
            required = true,
            paramLabel = "URL",
            description = "GeoServer's address, e.g. http://gis.internal:8080/geoserver (no user or password in it).")
    String url;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "A GeoServer administrator.")
    String user;

    @Option(
            names = "--workspace",
            defaultValue = "safemap",
            paramLabel = "NAME",
            description = "Workspace for the layers, styles, datastore and group. Default: ${DEFAULT-VALUE}.")
    String workspace;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "File whose first line is the GeoServer password (else " + PASSWORD_ENV + ").")
    Path passwordFile;

    @Option(names = "--dry-run", description = "Print each request (method, URL, body summary) and send nothing.")
    boolean dryRun;

    @Option(
            names = "--include-partner",
            description = "Also publish partner-level layers (counts, Gi* and emerging hot spots). GeoServer's own "
                    + "security must then restrict them to partners.")
    boolean includePartner;

    @Option(
            names = "--surfaces-dir",
            paramLabel = "DIR",
            description = "Also publish the density surfaces of stored hotspot runs that read only public feeds: "
                    + "each is written here as a GeoTIFF (incidents per km² per month) and published as a GeoTIFF "
                    + "coverage. GeoServer must be able to read this folder (see --surfaces-url).")
    Path surfacesDir;

    @Option(
            names = "--surfaces-url",
            paramLabel = "URL",
            description =
                    "The --surfaces-dir folder as GeoServer sees it, e.g. file:/opt/geoserver_data/safemap-surfaces "
                            + "when it is a volume mounted there. Default: file: and the folder's own path.")
    String surfacesUrl;

    @Option(
            names = "--db-host",
            paramLabel = "HOST",
            description = "PostGIS host as GeoServer sees it (in docker compose: the service name, e.g. postgis). "
                    + "Default: SafeMap's own.")
    String dbHost;

    @Option(
            names = "--db-port",
            paramLabel = "PORT",
            description = "PostGIS port as GeoServer sees it. Default: SafeMap's.")
    Integer dbPort;

    @Option(names = "--db-name", paramLabel = "NAME", description = "Database. Default: SafeMap's.")
    String dbName;

    @Option(
            names = "--db-user",
            paramLabel = "ROLE",
            description = "Role GeoServer logs in as; best one granted only schema geoserver (docs/deploy.md). "
                    + "Default: SafeMap's.")
    String dbUser;

    @Option(
            names = "--db-password-file",
            paramLabel = "FILE",
            description = "File whose first line is that role's password (else " + DB_PASSWORD_ENV
                    + ", else SafeMap's own when the role is SafeMap's).")
    Path dbPasswordFile;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        Terminal t = cli.terminal();
        GeoServerConnection target = new GeoServerConnection(url, user, null, workspace);
        String password = secret(passwordFile, "--password-file", PASSWORD_ENV);
        if (password == null && !dryRun) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "no GeoServer password: give --password-file FILE or set " + PASSWORD_ENV);
        }
        target = target.withPassword(password);
        LayerCatalogue catalogue = cli.services().layers();
        List<LayerSelection.Choice> choices = LayerSelection.choose(catalogue, includePartner);
        List<PublishedLayer> layers = new ArrayList<>();
        for (LayerSelection.Choice c : choices) {
            if (c.published().isPresent()) {
                layers.add(c.published().get());
                t.line("publish " + c.layer().name() + " (" + c.layer().disclosure() + ")");
            } else {
                t.line("skip    " + c.layer().name() + ": " + c.reason());
            }
        }
        if (includePartner) {
            t.warn("--include-partner publishes partner-level layers; GeoServer reads them straight from PostGIS, so "
                    + "restrict workspace '" + workspace + "' with GeoServer's data security to partners' roles before "
                    + "anyone else can reach it (docs/deploy.md)");
        }
        Database db = cli.services().database();
        // The views decide what is public from the recorded protocols: record the ones in force first.
        new org.safemap.sharing.ProtocolRegistry(db.dataSource()).sync(cli.protocols());
        DatastoreParams store = datastore(db.target());
        Sources sources = new Sources(db.dataSource(), cli.feeds());
        GeoServerPlan.Surfaces surfaces = GeoServerPlan.Surfaces.NONE;
        if (surfacesUrl != null && (surfacesDir == null || !surfacesUrl.startsWith("file:"))) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    surfacesDir == null
                            ? "--surfaces-url needs --surfaces-dir, the folder SafeMap writes the surfaces into"
                            : "--surfaces-url must be a file: URL, the folder as GeoServer sees it, e.g. "
                                    + "file:/opt/geoserver_data/safemap-surfaces; got " + surfacesUrl);
        }
        if (surfacesDir != null) {
            List<RunSurfaces.Published> runs = RunSurfaces.list(db.dataSource());
            if (!dryRun) {
                RunSurfaces.write(db.dataSource(), runs, surfacesDir);
            }
            String folder = surfacesUrl != null
                    ? surfacesUrl
                    : surfacesDir.toAbsolutePath().toUri().toString();
            surfaces = new GeoServerPlan.Surfaces(
                    runs,
                    folder,
                    catalogue.layer("density-all").styles().get(0),
                    Attributions.surfaces(runs, catalogue, db.dataSource(), sources));
            t.line((dryRun ? "would write " : "wrote ") + runs.size() + " run surfaces (hotspot runs over public "
                    + "feeds only) " + (dryRun ? "to " : "into ") + surfacesDir);
        }
        List<Upsert> plan = GeoServerPlan.build(
                workspace, store, layers, Attributions.of(layers, catalogue, db.dataSource(), sources), surfaces);
        GeoServerPublisher publisher = new GeoServerPublisher(target, secrets(password, store.password()), t::line);
        if (dryRun) {
            publisher.dryRun(plan);
            t.line("dry run: " + plan.size() + " resources, " + layers.size() + " layers; nothing sent");
            return Cli.OK;
        }
        GeoServerPublisher.Outcome o = publisher.publish(plan);
        t.line("published " + layers.size() + " layers to " + target + ": " + o.created() + " created, " + o.updated()
                + " updated, " + o.unchanged() + " unchanged");
        t.line("check: " + target.baseUrl() + "/" + workspace
                + "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities");
        return Cli.OK;
    }

    private DatastoreParams datastore(DatabaseTarget own) {
        String description = own.description();
        String hostPort = description.substring(0, description.lastIndexOf('/'));
        int colon = hostPort.lastIndexOf(':');
        String host = dbHost != null ? dbHost : hostPort.substring(0, colon);
        int port = dbPort != null ? dbPort : Integer.parseInt(hostPort.substring(colon + 1));
        String name = dbName != null ? dbName : own.database();
        String role = dbUser != null ? dbUser : own.user();
        String secret = secret(dbPasswordFile, "--db-password-file", DB_PASSWORD_ENV);
        if (secret == null && (dbUser == null || dbUser.equals(own.user()))) {
            secret = own.password();
        }
        if (secret == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "no password for database role '" + role + "': give " + "--db-password-file FILE or set "
                            + DB_PASSWORD_ENV);
        }
        return new DatastoreParams(host, port, name, role, secret);
    }

    /** A secret from a file's first line or an environment variable; null when neither gives one. */
    private String secret(Path file, String option, String env) {
        if (file != null) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new SafemapException(
                            ErrorCode.BAD_REQUEST,
                            option + " " + file + " is empty; its first line must " + "be the password");
                }
                return lines.get(0);
            } catch (IOException e) {
                throw new SafemapException(
                        ErrorCode.BAD_REQUEST,
                        "cannot read " + option + " " + file + ": "
                                + e.getClass().getSimpleName(),
                        e);
            }
        }
        String value = parent.cli.env(env);
        return value == null || value.isEmpty() ? null : value;
    }

    private static List<String> secrets(String... values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }
}
