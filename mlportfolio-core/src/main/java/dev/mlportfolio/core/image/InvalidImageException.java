package dev.mlportfolio.core.image;

/** The bytes cannot be used as an image; {@link #reason()} says why, for callers that map it to a status code. */
public final class InvalidImageException extends Exception {
    /** Why the bytes were refused. */
    public enum Reason {
        /** Zero bytes. */
        EMPTY,
        /** The bytes do not start like any known image format. */
        NOT_AN_IMAGE,
        /** A recognised image format that is not decoded (GIF, SVG, HEIF). */
        UNSUPPORTED_FORMAT,
        /** The header declares more pixels than allowed: refused before decoding. */
        TOO_MANY_PIXELS,
        /** The header or the compressed data is broken (e.g. a truncated JPEG). */
        CORRUPT
    }

    /** Why the bytes were refused. */
    private final Reason reason;

    /**
     * A refusal.
     *
     * @param reason  why
     * @param message what to tell the caller
     */
    public InvalidImageException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** {@return why the bytes were refused} */
    public Reason reason() {
        return reason;
    }
}
