package org.safemap.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.safemap.ErrorCode;
import org.safemap.SafemapException;
import org.safemap.sharing.Users;
import picocli.CommandLine.Option;

/**
 * Where a new password comes from: a file (first line), or typed twice at the terminal without echo. Never the
 * command line, where it would stay in the shell's history and show in the process list to every local user.
 */
final class PasswordInput {
    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "Read the password from the first line of FILE (keep it readable by you only, and delete "
                    + "it after). Without it, you are asked to type the password twice.")
    Path file;

    /** Present only to refuse it with a reason; picocli would otherwise just say "unknown option". */
    @Option(
            names = {"--password", "-p"},
            hidden = true,
            arity = "0..1")
    String onCommandLine;

    /** The password, checked against the length rule. */
    String read(String login) {
        if (onCommandLine != null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST,
                    "a password is never accepted on the command line (it would "
                            + "stay in your shell history and show in the process list); use --password-file FILE, or leave "
                            + "both out to be asked for it");
        }
        if (file != null) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SafemapException(
                        ErrorCode.FILE_NOT_FOUND,
                        "cannot read the password file " + file + ": "
                                + e.getClass().getSimpleName());
            }
            String first = text.lines().findFirst().orElse("");
            try {
                return Users.checkPassword(first);
            } catch (SafemapException e) {
                throw new SafemapException(e.code(), file + ", first line: " + e.getMessage());
            }
        }
        Console console = System.console();
        if (console == null) {
            throw new SafemapException(
                    ErrorCode.BAD_REQUEST, "no terminal to ask for the password on; give --password-file FILE");
        }
        char[] first =
                console.readPassword("New password for %s (at least %d characters): ", login, Users.MIN_PASSWORD_CHARS);
        char[] second = console.readPassword("The same password again: ");
        try {
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new SafemapException(ErrorCode.BAD_REQUEST, "the two passwords differ; nothing was changed");
            }
            return Users.checkPassword(new String(first));
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
