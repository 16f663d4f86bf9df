package org.safemap.cli;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.db.Database;
import org.safemap.sharing.ApiTokens;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Purposes;
import org.safemap.sharing.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap tokens ...}: API tokens for scripts and GIS clients (QGIS, ArcGIS: the token is the password). */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        description = {"API tokens for scripts and GIS clients: create (shown once), list, revoke. See docs/users.md."},
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    ApiTokens tokens(Database db) {
        return new ApiTokens(db.dataSource(), new Users(db.dataSource(), PasswordHashing.standard()));
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a token for a user and print it, once: SafeMap keeps only its hash.",
                "Example: safemap tokens create --user jsmith --name \"QGIS\" --purpose strategic-assessment"
            })
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Option(names = "--user", required = true, paramLabel = "LOGIN", description = "Whose token it is.")
        String user;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "What uses it, to tell tokens apart (e.g. \"QGIS on the analysts' PC\").")
        String name;

        @Option(
                names = "--purpose",
                required = true,
                paramLabel = "PURPOSE",
                description = "The purpose every request with it declares: a purpose code a protocol lists "
                        + "(strategic-assessment, tasking, problem-solving, evaluation, public-information).")
        String purpose;

        @Option(
                names = "--expires-days",
                paramLabel = "DAYS",
                defaultValue = "90",
                description = "Days until it stops working (default: ${DEFAULT-VALUE}; at most 3650).")
        int expiresDays;

        @Override
        public Integer call() throws SQLException {
            String code = Purposes.of(tokens.cli.protocols()).check(purpose, "--purpose");
            if (code == null) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "--purpose must name a purpose code");
            }
            Terminal t = tokens.cli.terminal();
            Database db = tokens.cli.services().database();
            ApiTokens.Issued issued = tokens.tokens(db).create(user, name, code, expiresDays);
            ApiTokens.Token tk = issued.token();
            t.line("Token " + tk.id() + " for " + tk.login() + " (" + tk.name() + "), purpose " + tk.purpose()
                    + ", expires " + tk.expiresAt().toString().substring(0, 10) + ":");
            t.line("");
            t.line("  " + issued.secret());
            t.line("");
            t.warn("store it now (e.g. in QGIS's authentication manager, as the password with user name " + tk.login()
                    + "): it is not shown again, and SafeMap keeps only a hash of it.");
            return Cli.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Tokens (never the secret: its first characters identify it), with state and last use.")
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Option(names = "--user", paramLabel = "LOGIN", description = "Only this user's tokens.")
        String user;

        @Override
        public Integer call() throws SQLException {
            Terminal t = tokens.cli.terminal();
            Database db = tokens.cli.services().database();
            String format = "%5s  %-20s %-13s %-8s %-21s %-10s %-10s %s";
            t.line(String.format(
                    Locale.UK, format, "ID", "USER", "PREFIX", "STATE", "PURPOSE", "EXPIRES", "LAST USED", "NAME"));
            Instant now = Instant.now();
            for (ApiTokens.Token tk : tokens.tokens(db).list(user)) {
                t.line(String.format(
                        Locale.UK,
                        format,
                        tk.id(),
                        tk.login(),
                        tk.prefix() + "...",
                        tk.state(now),
                        tk.purpose() == null ? "-" : tk.purpose(),
                        day(tk.expiresAt(), "never"),
                        day(tk.lastUsed(), "never"),
                        tk.name()));
            }
            return Cli.OK;
        }

        private static String day(Instant i, String none) {
            return i == null ? none : i.toString().substring(0, 10);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token for good.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Parameters(paramLabel = "ID", description = "The token's id (tokens list shows it).")
        long id;

        @Override
        public Integer call() throws SQLException {
            Database db = tokens.cli.services().database();
            ApiTokens api = tokens.tokens(db);
            ApiTokens.Token tk = api.find(id)
                    .orElseThrow(() -> new SafemapException(
                            ErrorCode.NOT_FOUND, "no token with id " + id + "; 'safemap tokens list' shows them"));
            boolean now = api.revoke(id);
            tokens.cli
                    .terminal()
                    .line(
                            now
                                    ? "Revoked token " + id + " of " + tk.login() + " (" + tk.name() + ")."
                                    : "Token " + id + " was already revoked.");
            return Cli.OK;
        }
    }
}
