package org.safemap.publish;

import java.util.List;
import java.util.function.Consumer;
import org.safemap.ErrorCode;

/**
 * Carries out a {@link GeoServerPlan}: for each resource GET, then POST when absent or PUT when present, stopping
 * at the first refusal with GeoServer's answer. A dry run prints the same requests and sends nothing.
 */
public final class GeoServerPublisher {
    /** What a publication did. */
    public record Outcome(int created, int updated, int unchanged) {}

    private final GeoServerConnection target;
    private final List<String> secrets;
    private final Consumer<String> out;

    /**
     * @param target  GeoServer and its credentials
     * @param secrets every secret the requests carry (GeoServer's and the datastore's passwords), kept out of
     *                messages
     * @param out     where each step is reported
     */
    public GeoServerPublisher(GeoServerConnection target, List<String> secrets, Consumer<String> out) {
        this.target = target;
        this.secrets = secrets;
        this.out = out;
    }

    /** Prints each request the plan would make. Nothing is sent, so nothing is known of what exists. */
    public void dryRun(List<Upsert> plan) {
        String rest = target.restUrl() + "/";
        out.accept("dry run: nothing is sent to " + target.baseUrl());
        for (Upsert u : plan) {
            out.accept(u.kind() + " " + u.name() + ": " + u.summary());
            out.accept("  GET  " + rest + u.itemPath() + ".json");
            if (u.collectionPath() != null) {
                out.accept("  POST " + rest + u.collectionPath() + query(u.createQuery()) + "  [" + u.contentType()
                        + "]  if absent");
            }
            if (u.updatable()) {
                out.accept("  PUT  " + rest + u.itemPath() + query(u.updateQuery()) + "  [" + u.contentType() + "]  "
                        + (u.collectionPath() == null ? "(GeoServer made it with its feature type)" : "if present"));
            }
        }
    }

    /** Publishes: creates what is absent, updates what is there. */
    public Outcome publish(List<Upsert> plan) {
        GeoServerClient client = new GeoServerClient(target, secrets);
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (Upsert u : plan) {
            GeoServerClient.Response existing = client.get(u.itemPath());
            if (existing.status() != 200 && existing.status() != 404) {
                throw refused(client, "GET", u, existing);
            }
            String done;
            if (existing.status() == 404) {
                if (u.collectionPath() == null) {
                    throw client.fail(
                            ErrorCode.GEOSERVER_ERROR,
                            "GeoServer has no " + u.kind() + " '" + u.name()
                                    + "' although its feature type was just published; check GeoServer's log");
                }
                GeoServerClient.Response r =
                        client.send("POST", u.collectionPath(), u.createQuery(), u.contentType(), u.body());
                if (!r.ok()) {
                    throw refused(client, "POST", u, r);
                }
                created++;
                done = "created";
            } else if (u.updatable()) {
                GeoServerClient.Response r =
                        client.send("PUT", u.itemPath(), u.updateQuery(), u.contentType(), u.body());
                if (!r.ok()) {
                    throw refused(client, "PUT", u, r);
                }
                updated++;
                done = "updated";
            } else {
                unchanged++;
                done = "exists";
            }
            out.accept(String.format("%-11s %-22s %s", u.kind(), u.name(), done));
        }
        return new Outcome(created, updated, unchanged);
    }

    private static RuntimeException refused(
            GeoServerClient client, String method, Upsert u, GeoServerClient.Response r) {
        String body = r.body().strip().replaceAll("\\s+", " ");
        if (body.length() > 300) {
            body = body.substring(0, 300) + "...";
        }
        return client.fail(
                ErrorCode.GEOSERVER_ERROR,
                "GeoServer answered HTTP " + r.status() + " to " + method + " of " + u.kind() + " '" + u.name() + "'"
                        + (body.isEmpty() ? "" : ": " + body));
    }

    private static String query(String q) {
        return q.isEmpty() ? "" : "?" + q;
    }
}
