package org.safemap.cli;

import java.util.Locale;
import org.safemap.sharing.Principal;
import picocli.CommandLine.Option;

/**
 * Whom a command that reads partners' data acts for. Whoever runs {@code safemap} at the server could read the
 * database directly, but a file it writes goes to someone: it holds what the protocols allow that partner, for
 * that purpose, and no more. The access is audited under the operator's login name.
 */
final class ActingAs {
    @Option(
            names = "--for-partner",
            paramLabel = "PARTNER",
            description = "The partner the output is for (a partner "
                    + "id from the protocols, e.g. csp, police, nhs-ed). Default: none, which gets what the protocols give any "
                    + "partner's analyst.")
    String partner;

    @Option(
            names = "--purpose",
            paramLabel = "PURPOSE",
            defaultValue = "strategic-assessment",
            description = "The purpose declared for this use, one a protocol lists (default: ${DEFAULT-VALUE}).")
    String purpose;

    Principal principal() {
        return Principal.cli(osUser(), partner == null || partner.isBlank() ? null : partner.strip(), purpose.strip());
    }

    /** The operator at the command line, acting for no partner (loading files, administration). */
    static Principal operator() {
        return Principal.cli(osUser(), null, null);
    }

    /**
     * Who {@code safemap ingest} loads as: the operator, an admin of the installation (who may load into any feed,
     * as they could write to the database anyway), named by their login on this machine.
     */
    static org.safemap.ingest.IncidentLoader.LoadedBy loader() {
        return new org.safemap.ingest.IncidentLoader.LoadedBy(operator().user(), "cli");
    }

    private static String osUser() {
        return System.getProperty("user.name", "operator").toLowerCase(Locale.ROOT);
    }
}
