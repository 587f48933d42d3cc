package dev.mlportfolio.server.tasks;

/** The shared store behind a {@link TaskQueue} cannot be reached; the caller may retry later. */
public final class TaskQueueUnavailableException extends RuntimeException {
    public TaskQueueUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
