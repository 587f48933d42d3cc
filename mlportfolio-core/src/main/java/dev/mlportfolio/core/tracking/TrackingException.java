package dev.mlportfolio.core.tracking;

/** A tracking call that failed, and whether trying again later can help. */
public final class TrackingException extends RuntimeException {
    /** What kind of failure it was. */
    public enum Kind {
        /** Connection refused, timeout, 5xx or rate limit: the server may come back, try again. */
        UNAVAILABLE,
        /** The server understood and said no (a bad filter, an invalid value): trying again will not help. */
        REJECTED,
        /** What was asked for does not exist. */
        NOT_FOUND
    }

    /** What kind of failure it was. */
    private final Kind kind;

    /**
     * A failure with its cause.
     *
     * @param kind    what kind
     * @param message what went wrong
     * @param cause   the client's exception
     */
    public TrackingException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * A failure.
     *
     * @param kind    what kind
     * @param message what went wrong
     */
    public TrackingException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** {@return what kind of failure it was} */
    public Kind kind() {
        return kind;
    }

    /** {@return whether trying again later can help} */
    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
