package dev.mlportfolio.core.tracking;

/** A tracking call that failed, and whether trying again later can help. */
public final class TrackingException extends RuntimeException {
    public enum Kind {
        /** Connection refused, timeout, 5xx or rate limit: the server may come back, try again. */
        UNAVAILABLE,
        /** The server understood and said no (a bad filter, an invalid value): trying again will not help. */
        REJECTED,
        /** What was asked for does not exist. */
        NOT_FOUND
    }

    private final Kind kind;

    public TrackingException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public TrackingException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
