package org.safemap.cli;

import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.safemap.ErrorCode;
import org.safemap.db.Database;
import org.safemap.sharing.PasswordHashing;
import org.safemap.sharing.Role;
import org.safemap.sharing.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safemap users ...}: the people who may sign in to the viewer and hold API tokens. */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = {
            "Users who may sign in and hold API tokens: add, list, disable, enable, set a password. "
                    + "See docs/users.md."
        },
        subcommands = {
            UsersCommand.Add.class,
            UsersCommand.ListUsers.class,
            UsersCommand.Disable.class,
            UsersCommand.Enable.class,
            UsersCommand.Password.class
        })
final class UsersCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.usage(spec, "say what to do");
    }

    Users users(Database db) {
        return new Users(db.dataSource(), PasswordHashing.standard());
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Add a user. The password is read from --password-file or typed twice; never give it on "
                        + "the command line.",
                "Example: safemap users add jsmith --role analyst --partner csp --name \"Jo Smith\""
            })
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Parameters(paramLabel = "LOGIN", description = "Lower-case login (letters, digits, . _ - @).")
        String login;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "admin, analyst (a partner's analyst) or tasking (tasking meeting member).")
        String role;

        @Option(
                names = "--partner",
                paramLabel = "PARTNER",
                description = "The partner they work for, as protocols name partners (csp, police, nhs-ed, ...). "
                        + "Required for analysts.")
        String partner;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the login).")
        String name;

        @Option(
                names = "--no-password",
                description = "A user without a password, who cannot sign in and only holds tokens (a service such "
                        + "as a GeoServer cascading SafeMap's WMS).")
        boolean noPassword;

        @Mixin
        PasswordInput password;

        @Override
        public Integer call() throws SQLException {
            Role r = Role.parse(role);
            Terminal t = users.cli.terminal();
            Database db = users.cli.services().database();
            Users u = users.users(db);
            if (u.find(login).isPresent()) {
                throw new org.safemap.SafemapException(
                        ErrorCode.CONFLICT,
                        "a user with login '" + login.strip().toLowerCase(Locale.ROOT)
                                + "' already exists; 'safemap users password' sets a new password");
            }
            String known = users.cli.protocols().requirePartner(partner, "--partner");
            String pw = noPassword ? null : password.read(login);
            Users.User added = u.add(login, name, r, known, pw);
            t.line("Added " + describe(added) + (added.hasPassword() ? "" : "; no password: tokens only") + ".");
            return Cli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every user, with role, partner and state.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Override
        public Integer call() throws SQLException {
            Terminal t = users.cli.terminal();
            Database db = users.cli.services().database();
            String format = "%-24s %-8s %-10s %-9s %-20s %s";
            t.line(String.format(Locale.UK, format, "LOGIN", "ROLE", "PARTNER", "STATE", "LAST SIGN-IN", "NAME"));
            java.util.Set<String> partners = users.cli.protocols().partners();
            java.util.List<String> unknown = new java.util.ArrayList<>();
            for (Users.User u : users.users(db).list()) {
                boolean known = u.partner() == null || partners.contains(u.partner());
                if (!known) {
                    unknown.add(u.login());
                }
                t.line(String.format(
                        Locale.UK,
                        format,
                        u.login(),
                        u.role().key(),
                        u.partner() == null ? "-" : known ? u.partner() : u.partner() + "!",
                        u.disabled() ? "disabled" : u.hasPassword() ? "active" : "tokens",
                        u.lastLogin() == null
                                ? "never"
                                : u.lastLogin().toString().substring(0, 16).replace('T', ' '),
                        u.name()));
            }
            if (!unknown.isEmpty()) {
                t.line("");
                t.line(UnknownPartners.warning(unknown, partners));
            }
            return Cli.OK;
        }
    }

    /** Enabling and disabling: one login, one change, one line saying what it did. */
    abstract static class Switch implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Parameters(paramLabel = "LOGIN")
        String login;

        abstract Users.Change change();

        abstract String done(Users.User u);

        @Override
        public Integer call() throws SQLException {
            Users.User u = users.users(users.cli.services().database()).update(login, change());
            users.cli.terminal().line(done(u));
            return Cli.OK;
        }
    }

    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = "Disable a user: their sessions end now, their tokens stop working, nothing is deleted.")
    static final class Disable extends Switch {
        @Override
        Users.Change change() {
            return Users.Change.disable();
        }

        @Override
        String done(Users.User u) {
            return "Disabled " + describe(u) + ": signed out, tokens refused.";
        }
    }

    @Command(
            name = "enable",
            mixinStandardHelpOptions = true,
            description = "Enable a disabled user again (their unrevoked, unexpired tokens work again).")
    static final class Enable extends Switch {
        @Override
        Users.Change change() {
            return Users.Change.enable();
        }

        @Override
        String done(Users.User u) {
            return "Enabled " + describe(u) + ".";
        }
    }

    @Command(
            name = "password",
            mixinStandardHelpOptions = true,
            description = "Set a user's password (typed twice, or from --password-file); their sessions end.")
    static final class Password implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Parameters(paramLabel = "LOGIN")
        String login;

        @Mixin
        PasswordInput password;

        @Override
        public Integer call() throws SQLException {
            Database db = users.cli.services().database();
            Users u = users.users(db);
            u.require(login);
            Users.User changed = u.update(login, Users.Change.password(password.read(login)));
            users.cli.terminal().line("New password set for " + describe(changed) + "; their sessions ended.");
            return Cli.OK;
        }
    }

    static String describe(Users.User u) {
        return u.login() + " (" + u.role().key() + (u.partner() == null ? "" : ", " + u.partner()) + ")";
    }
}
