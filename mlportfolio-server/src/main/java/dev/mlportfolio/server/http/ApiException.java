package dev.mlportfolio.server.http;

import io.helidon.http.Status;
import java.util.Map;

/**
 * A request the server answers with a JSON error instead of a result: the HTTP status, a stable
 * machine-readable code such as {@code payload_too_large}, a message for a person saying what went
 * wrong and what to do about it, and extra response headers such as {@code Retry-After} or
 * {@code Allow}.
 */
public final class ApiException extends RuntimeException {
    private final Status status;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(Status status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(Status status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Status.BAD_REQUEST_400, code, message);
    }

    public static ApiException unprocessable(String message) {
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, "validation_error", message);
    }

    public static ApiException unsupportedMediaType(String code, String message) {
        return new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, code, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large", message);
    }

    public static ApiException unavailable(String code, String message) {
        return new ApiException(Status.SERVICE_UNAVAILABLE_503, code, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(Status.NOT_FOUND_404, code, message);
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ApiError body() {
        return new ApiError(code, getMessage());
    }
}
