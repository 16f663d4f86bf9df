package org.safemap.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code safemap test} is run by the ./safemap launcher itself (it needs Maven and the source tree); this
 * command only documents it in --help and explains when the jar is run directly.
 */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run every test against a real PostGIS: the private cluster (a fresh database per run) or, "
                    + "with SAFEMAP_DB_URL, a fresh database on that server (its role needs CREATEDB).",
            "Needs a source checkout and Maven; the ./safemap launcher installs what else is missing."
        })
final class TestCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Override
    public Integer call() {
        cli.terminal().line("Run the tests from a SafeMap source checkout with: ./safemap test");
        return Cli.USAGE;
    }
}
