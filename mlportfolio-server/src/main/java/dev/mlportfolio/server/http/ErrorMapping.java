package dev.mlportfolio.server.http;

import dev.mlportfolio.server.errors.ErrorReporter;
import dev.mlportfolio.server.errors.ErrorTags;
import io.helidon.http.BadRequestException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure into the JSON error form, both inside routing (error handlers) and before
 * routing (Helidon's direct handlers, e.g. a body over the listener's hard size limit).
 * Stack traces go to the log, never to the client.
 */
public final class ErrorMapping {
    private static final Logger LOG = Logger.getLogger(ErrorMapping.class.getName());

    private ErrorMapping() {
    }

    /** @param reporter where answers of 500 are reported besides the log */
    public static void register(HttpRouting.Builder routing, ErrorReporter reporter) {
        routing.error(ApiException.class, ErrorMapping::apiError)
                .error(NotFoundException.class, ErrorMapping::notFound)
                .error(BadRequestException.class, (req, res, e) -> send(req, res, Status.BAD_REQUEST_400,
                        new ApiError("bad_request", e.getMessage())))
                .error(HttpException.class, (req, res, e) -> send(req, res, e.status(),
                        new ApiError(codeFor(e.status()), e.getMessage())))
                .error(Throwable.class, (req, res, e) -> unexpected(req, res, e, reporter));
    }

    /** JSON bodies for errors Helidon answers before a request reaches routing. */
    public static DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, new JsonDirectHandler());
        }
        return builder.build();
    }

    private static final class JsonDirectHandler implements DirectHandler {
        private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
        private static final java.util.regex.Pattern NAMES_CODE = java.util.regex.Pattern.compile(
                "\\b(java|javax|jdk|sun|io\\.helidon|com\\.fasterxml)\\.[a-z]|Exception\\b|\\bat [a-z]+\\.");

        @Override
        public TransportResponse handle(TransportRequest request, EventType type, Status status,
                                        io.helidon.http.ServerResponseHeaders headers, String message) {
            // Helidon 4.5.0 answers headers over the limit with a 400 that only its message tells
            // apart (which is why the listener passes messages on); HTTP has 431 for it.
            if (status.code() == 400 && "Header size exceeded".equals(message)) {
                status = HEADERS_TOO_LARGE;
            }
            // Before routing, Helidon 4.5.0 calls a request it cannot parse (a control character in
            // the method, a connection that ends inside the headers) an internal error. No code of
            // this server has run at that point: its own failures reach the routing error handlers.
            if (type == EventType.INTERNAL_ERROR && status.code() == 500) {
                status = Status.BAD_REQUEST_400;
                message = "the request could not be parsed as HTTP/1.1";
            }
            String text = switch (status.code()) {
                case 413 -> "the request body is larger than this server accepts; see MAX_FILE_SIZE";
                case 431 -> "the request's headers are larger than this server accepts; see HTTP_MAX_HEADER_SIZE";
                case 505 -> "HTTP/1.0 and other versions before HTTP/1.1 are not served; send HTTP/1.1, or put a proxy "
                        + "such as nginx in front (see deploy/)";
                default -> message == null || message.isBlank() || NAMES_CODE.matcher(message).find()
                        ? status.reasonPhrase() : message;
            };
            TransportResponse.Builder response = TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderValues.CONTENT_TYPE_JSON);
            return "HEAD".equals(request.method()) ? response.build() // no body on an answer to HEAD
                    : response.entity(Json.bytes(new ApiError(codeFor(status), text))).build();
        }
    }

    private static void apiError(ServerRequest req, ServerResponse res, ApiException e) {
        e.headers().forEach(res::header);
        send(req, res, e.status(), e.body());
    }

    private static void notFound(ServerRequest req, ServerResponse res, NotFoundException e) {
        send(req, res, Status.NOT_FOUND_404, new ApiError("not_found",
                "no endpoint " + req.prologue().method().text() + " " + req.path().rawPath()
                        + "; GET / lists the endpoints"));
    }

    // An answer to HEAD carries the length of the error body but not the body itself.
    private static void send(ServerRequest req, ServerResponse res, Status status, ApiError body) {
        Json.send(req.prologue().method() == Method.HEAD ? new HeadResponse(res) : res, status, body);
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Throwable e, ErrorReporter reporter) {
        LOG.log(Level.SEVERE, "unexpected error in " + req.prologue().method().text() + " " + req.path().rawPath(), e);
        reporter.report(e, ErrorTags.request(RequestId.of(req), req.prologue().method().text(),
                RequestObserver.route(req)));
        send(req, res, Status.INTERNAL_SERVER_ERROR_500, new ApiError("internal_error",
                "the server failed to handle this request; the error is logged"));
    }

    /** A stable machine code for a status the server did not pick itself. */
    public static String codeFor(Status status) {
        return switch (status.code()) {
            case 400 -> "bad_request";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 503 -> "service_unavailable";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status.code();
        };
    }
}
