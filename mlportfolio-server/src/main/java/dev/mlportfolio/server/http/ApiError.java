package dev.mlportfolio.server.http;

/** The body of every error answer: {@code {"success": false, "error": "<code>", "message": "<what to do>"}}. */
public record ApiError(boolean success, String error, String message) {
    public ApiError(String error, String message) {
        this(false, error, message);
    }
}
