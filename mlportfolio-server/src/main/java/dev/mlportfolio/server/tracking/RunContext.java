package dev.mlportfolio.server.tracking;

/**
 * Where a piece of work came from, for the tags of its tracking run.
 *
 * @param taskId null unless it runs as an async task
 * @param mode   {@code sync}, {@code async} or {@code stream}
 */
public record RunContext(String requestId, String taskId, String mode) {
    public static RunContext sync(String requestId) {
        return new RunContext(requestId, null, "sync");
    }

    public static RunContext async(String requestId, String taskId) {
        return new RunContext(requestId, taskId, "async");
    }

    public static RunContext stream(String requestId) {
        return new RunContext(requestId, null, "stream");
    }
}
