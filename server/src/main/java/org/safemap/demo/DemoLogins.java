package org.safemap.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.Role;
import org.safemap.sharing.SecretTokens;
import org.safemap.sharing.Users;

/**
 * The demo's users, one per kind of audience, so every disclosure level can be tried: created when absent with
 * random passwords, which are written to {@code var/demo-logins.txt} (readable by the owner only) and returned once
 * for the terminal. Existing demo users are left alone; their passwords are in the file from the run that made them.
 */
public final class DemoLogins {
    /** One demo user. */
    public record Login(String login, String name, Role role, String partner) {}

    /** A demo user created by this run, with the password they sign in with. */
    public record Created(Login login, String password) {
        @Override
        public String toString() {
            return "Created[" + login.login() + ", password=***]";
        }
    }

    public static final List<Login> LOGINS = List.of(
            new Login("demo-admin", "Demo administrator (CSP)", Role.ADMIN, "csp"),
            new Login("demo-analyst", "Demo CSP analyst", Role.ANALYST, "csp"),
            new Login("demo-police", "Demo police analyst", Role.ANALYST, "police"),
            new Login("demo-nhs", "Demo A&E data custodian", Role.ANALYST, "nhs-ed"),
            new Login("demo-tasking", "Demo tasking meeting member", Role.TASKING, null));

    private DemoLogins() {}

    /** Creates the demo users that do not exist yet; appends their logins and passwords to {@code file}. */
    public static List<Created> ensure(Users users, Path file) throws SQLException {
        List<Created> created = new ArrayList<>();
        for (Login l : LOGINS) {
            if (users.find(l.login()).isPresent()) {
                continue;
            }
            // 32 random bytes as 43 characters: far past guessing, and easy to paste
            String password = SecretTokens.random();
            users.add(l.login(), l.name(), l.role(), l.partner(), password);
            created.add(new Created(l, password));
        }
        if (!created.isEmpty()) {
            write(file, created);
        }
        return created;
    }

    private static void write(Path file, List<Created> created) {
        StringBuilder text = new StringBuilder();
        for (Created c : created) {
            Login l = c.login();
            text.append(String.format(
                    "%-14s %-44s %s%n",
                    l.login(), c.password(), l.role().key() + (l.partner() == null ? "" : ", " + l.partner())));
        }
        try {
            Files.createDirectories(file.getParent());
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
                Files.writeString(
                        file,
                        "# SafeMap demo logins: login, password, role and partner. Sign in at the "
                                + "viewer's 'Sign in' button.\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            }
            Files.setPosixFilePermissions(file, ownerOnly);
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SafemapException(
                    ErrorCode.BAD_CONFIGURATION,
                    "cannot write the demo logins to " + file + ": "
                            + e.getClass().getSimpleName());
        }
    }
}
