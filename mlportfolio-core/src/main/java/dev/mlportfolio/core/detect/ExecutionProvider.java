package dev.mlportfolio.core.detect;

import java.util.Locale;
import java.util.Optional;

/** Which ONNX Runtime execution provider a detector asks for. */
public enum ExecutionProvider {
    /** CUDA when its provider loads, otherwise CPU. */
    AUTO,
    /** ONNX Runtime's CPU provider. */
    CPU,
    /** The CUDA provider; needs ONNX Runtime's GPU build, CUDA 12 and cuDNN 9. */
    CUDA;

    /**
     * Parses {@code auto}, {@code cpu} or {@code cuda}, ignoring case and surrounding blanks.
     *
     * @param text the text, may be null
     * @return the provider, or empty when the text is none of them
     */
    public static Optional<ExecutionProvider> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> Optional.of(AUTO);
            case "cpu" -> Optional.of(CPU);
            case "cuda" -> Optional.of(CUDA);
            default -> Optional.empty();
        };
    }

    /**
     * The lower-case name used in configuration and JSON.
     *
     * @return {@code auto}, {@code cpu} or {@code cuda}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
