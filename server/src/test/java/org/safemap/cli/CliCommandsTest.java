package org.safemap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safemap.testing.CliRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line builds only the command being run, and that command parses and explains itself exactly as it does
 * in the whole tree, which {@code safemap --help} and {@code help} still build.
 */
class CliCommandsTest {
    private static Cli cli() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Cli(Map.of(), new Terminal(sink, sink, false));
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Class<?> command : Cli.COMMANDS) {
            names.add(command.getAnnotation(Command.class).name());
        }
        return names;
    }

    @Test
    void aCommandBeingRunIsTheOnlyOneBuilt() {
        assertThat(Cli.commandLine(cli(), new String[] {"pack", "--area", "E08000012"})
                        .getSubcommands())
                .containsOnlyKeys("pack");
        assertThat(Cli.commandLine(cli(), new String[] {"db", "status"}).getSubcommands())
                .containsOnlyKeys("db");
        List<String> all = new ArrayList<>(names());
        all.add("help");
        for (String[] args : new String[][] {{}, {"--help"}, {"-V"}, {"help", "pack"}, {"pak"}, {"@args.txt"}}) {
            assertThat(Cli.commandLine(cli(), args).getSubcommands().keySet())
                    .as(String.join(" ", args))
                    .containsExactlyElementsOf(all);
        }
    }

    @Test
    void rootHelpListsEveryCommandInOrder() {
        CliRun.Result help = CliRun.run(Map.of(), "--help");
        assertThat(help.code()).isZero();
        int from = 0;
        for (String name : names()) {
            int at = help.out().indexOf("\n  " + name + " ", from);
            assertThat(at).as(name).isGreaterThan(from);
            from = at;
        }
    }

    @Test
    void eachCommandsHelpBuiltAloneIsItsHelpInTheWholeTree() {
        CommandLine whole = Cli.commandLine(cli(), new String[0]);
        for (String name : names()) {
            CommandLine command = whole.getSubcommands().get(name);
            CliRun.Result alone = CliRun.run(Map.of(), name, "--help");
            assertThat(alone.code()).as(name).isZero();
            assertThat(alone.out()).as(name).isEqualTo(command.getUsageMessage());
            for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
                CliRun.Result subAlone = CliRun.run(Map.of(), name, sub.getKey(), "--help");
                assertThat(subAlone.out())
                        .as(name + " " + sub.getKey())
                        .isEqualTo(sub.getValue().getUsageMessage());
            }
        }
    }

    @Test
    void aCommandsUsageErrorIsTheSameBuiltAlone() {
        CliRun.Result bogus =
                CliRun.run(Map.of(), "pack", "--area", "E08000012", "--period", "2022-07", "--out", "p.pdf", "--bogus");
        assertThat(bogus.code()).isEqualTo(Cli.USAGE);
        assertThat(bogus.err())
                .startsWith("Unknown option: '--bogus'")
                .contains(Cli.commandLine(cli(), new String[0])
                        .getSubcommands()
                        .get("pack")
                        .getUsageMessage());
        CliRun.Result misspelt = CliRun.run(Map.of(), "pak");
        assertThat(misspelt.code()).isEqualTo(Cli.USAGE);
        assertThat(misspelt.err()).contains("Did you mean", "pack");
    }
}
