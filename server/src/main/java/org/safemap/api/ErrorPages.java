package org.safemap.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.safemap.ErrorCode;
import org.safemap.map.OgcException;
import org.safemap.map.WmtsService;

/**
 * Jetty's own refusals (a request line or URI it will not pass on: {@code %00} in a path, an ambiguous encoding, a
 * header too large) in SafeMap's one error shape instead of Jetty's HTML page, so a client sees the same answer
 * whichever layer refused it.
 */
final class ErrorPages extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path != null && (path.equals("/wmts") || path.startsWith("/wmts/"))) {
            // WMTS clients read OWS exception reports, as everywhere else under /wmts.
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, WmtsService.OWS_REPORT_TYPE);
            String reason = "the request could not be read: " + HttpStatus.getMessage(code);
            response.write(
                    true,
                    ByteBuffer.wrap(WmtsService.owsReport(new OgcException(
                            code == 400 ? "InvalidParameterValue" : "NoApplicableCode", null, reason))),
                    callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String message) {
        ErrorCode errorCode = ErrorCode.ofStatus(code);
        // A failure of the server's own (not the request's) says nothing of its cause: that text is for the log.
        String reason = message == null || message.isBlank() || !errorCode.shownToClient()
                ? HttpStatus.getMessage(code)
                : message;
        String error = errorCode.wire();
        try {
            return JSON.writeValueAsBytes(new ApiError(error, "the request could not be read: " + reason));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + error + "\",\"message\":\"the request could not be read\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
