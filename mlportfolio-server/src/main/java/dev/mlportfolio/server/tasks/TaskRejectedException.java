package dev.mlportfolio.server.tasks;

/** The task manager did not take a task: its queue is full, or it is shutting down. */
public final class TaskRejectedException extends Exception {
    public enum Reason { QUEUE_FULL, SHUTTING_DOWN }

    private final Reason reason;
    private final long retryAfterSeconds;

    TaskRejectedException(Reason reason, long retryAfterSeconds, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** A fair guess at when the queue has room again, in whole seconds. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
