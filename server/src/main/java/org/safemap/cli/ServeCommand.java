package org.safemap.cli;

import org.safemap.Services;
import org.safemap.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code safemap serve}: the HTTP API, map service and viewer. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Start the server: the viewer at /, the JSON API under /api, /health.",
            "Brings the private cluster up first when SAFEMAP_DB_URL is not set; applies schema migrations."
        })
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--port", description = "HTTP port (default: SAFEMAP_HTTP_PORT, else 8080).")
    Integer port;

    @Option(
            names = "--host",
            description = "Interface to listen on (default: SAFEMAP_HTTP_HOST, else 127.0.0.1; " + "0.0.0.0 for all).")
    String host;

    @Override
    public Integer call() {
        Services services = cli.serverServices(withOverrides(cli.settings(), host, port));
        return ServerRunner.runUntilStopped(services, cli.terminal());
    }

    static Settings withOverrides(Settings settings, String host, Integer port) {
        Settings s = settings;
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new org.safemap.config.ConfigException("--port must be from 0 to 65535; got " + port);
            }
            s = s.withHttpPort(port);
        }
        if (host != null) {
            s = s.withHttpHost(host);
        }
        return s;
    }
}
