package org.safemap.api;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Request bodies the server does not use. A server that answers and closes the connection while the client is still
 * sending makes the client's kernel see unread data and reset the connection, and the client (Java's HttpClient,
 * curl, browsers) then reports the reset instead of the answer, even one already sent in full. So a body nobody reads
 * is read and dropped, up to a cap, before the answer; beyond the cap the connection closes and the reset is the
 * sender's to have.
 */
final class RequestBodies {
    /** Methods whose requests carry nothing the handlers read (RFC 9110 gives their content no meaning). */
    private static final Set<String> BODILESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS");

    private RequestBodies() {}

    /**
     * Before every handler: a body over {@code maxBytes} is refused (413) before anything reads it, except where a
     * handler has a larger limit of its own ({@code ownLimit}, matched on the path: uploads); a body on a method that
     * takes none is dropped so the answer reaches the client.
     */
    static void check(Context ctx, long maxBytes, Pattern ownLimit) {
        long length = ctx.contentLength();
        if (length == 0 || ownLimit.matcher(ctx.path()).matches()) {
            return;
        }
        if (length > maxBytes) {
            throw new ContentTooLargeResponse();
        }
        if (BODILESS.contains(ctx.method().name()) && discard(ctx, maxBytes) > maxBytes) {
            throw new ContentTooLargeResponse();
        }
    }

    /**
     * Reads and drops what is left of the request's body, at most {@code cap} bytes; a body known to be longer is not
     * read and the connection closes after the answer. Returns the bytes read.
     */
    static long discard(Context ctx, long cap) {
        long length = ctx.contentLength();
        if (length == 0) {
            return 0;
        }
        if (length > cap) {
            ctx.header("Connection", "close");
            return 0;
        }
        long read = 0;
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while (read <= cap && (n = in.read(buffer)) > 0) {
                read += n;
            }
        } catch (IOException | RuntimeException e) {
            // Already read by a handler, or unreadable: either way nothing more can be taken from it.
            ctx.header("Connection", "close");
        }
        if (read > cap) {
            ctx.header("Connection", "close");
        }
        return read;
    }
}
