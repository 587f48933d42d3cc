package dev.mlportfolio.core.detect;

/** The detector cannot be opened or cannot run: a missing or malformed model file, or a failing runtime. */
public final class DetectorException extends RuntimeException {
    /**
     * A failure with its reason.
     *
     * @param message what went wrong
     */
    public DetectorException(String message) {
        super(message);
    }

    /**
     * A failure with its reason and cause.
     *
     * @param message what went wrong
     * @param cause   the runtime's exception
     */
    public DetectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
