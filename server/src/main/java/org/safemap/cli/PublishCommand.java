package org.safemap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code safemap publish}: publishes SafeMap's layers to another server. */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = "Publish SafeMap's per-area layers to another map server.",
        subcommands = PublishGeoServerCommand.class)
final class PublishCommand implements Runnable {
    @ParentCommand
    Cli cli;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "name the server to publish to, e.g. 'safemap publish geoserver --help'");
    }
}
