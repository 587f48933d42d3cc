package dev.mlportfolio.core.detect;

/** The detector cannot be opened or cannot run: a missing or malformed model file, or a failing runtime. */
public final class DetectorException extends RuntimeException {
    public DetectorException(String message) {
        super(message);
    }

    public DetectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
