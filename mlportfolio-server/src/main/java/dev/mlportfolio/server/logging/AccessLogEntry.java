package dev.mlportfolio.server.logging;

/**
 * One line of the access log. Passed as the log record's parameter so the JSON formatter can write
 * its fields as fields, and the text formatter as one readable line.
 */
public record AccessLogEntry(String method, String route, String path, int status, double durationMs, String requestId) {
    public String text() {
        return String.format(java.util.Locale.ROOT, "%s %s %d %.1fms path=%s request_id=%s",
                method, route, status, durationMs, path, requestId);
    }
}
