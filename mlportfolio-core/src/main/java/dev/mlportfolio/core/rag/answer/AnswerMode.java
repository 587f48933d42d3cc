package dev.mlportfolio.core.rag.answer;

import java.util.Locale;
import java.util.Optional;

/** How to answer when a language model is configured. */
public enum AnswerMode {
    /** Generate, and show the model's answer only when its facts are in the sources; else the extractive answer. */
    AUTO,
    /** Always the model's answer, flagged when it states facts the sources do not hold (for evaluation). */
    GENERATIVE,
    /** The resume's own most relevant lines; the model is not asked. */
    EXTRACTIVE;

    /**
     * The lower-case name used in requests, metadata and metrics.
     *
     * @return {@code auto}, {@code generative} or {@code extractive}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an {@link #id()}.
     *
     * @param value the id, exactly
     * @return the mode, or empty when the text is none
     */
    public static Optional<AnswerMode> parse(String value) {
        for (AnswerMode mode : values()) {
            if (mode.id().equals(value)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
