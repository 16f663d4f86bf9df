package org.safemap.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;

/** JSON request bodies of the identity endpoints, whose parse errors must not echo the body: it may hold a password. */
final class JsonBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBodies() {}

    /** The body as a JSON object, or a bad_request showing {@code example} (never the body itself). */
    static JsonNode object(Context ctx, String example) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, e.g. " + example);
        }
        return body;
    }

    /** A string field, or null when absent or JSON null; any other type is a bad request naming the field. */
    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return n.asText();
    }
}
