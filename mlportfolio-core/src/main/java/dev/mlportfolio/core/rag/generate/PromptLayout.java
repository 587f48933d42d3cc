package dev.mlportfolio.core.rag.generate;

import java.util.Locale;
import java.util.Optional;

/** What the model reads besides the question. */
public enum PromptLayout {
    /** The retrieved excerpts, best first, in the user turn: a new prompt for every question. */
    EXCERPTS,
    /**
     * Every chunk of the documents in the system turn and the question alone in the user turn. The
     * documents' keys and values are computed once (when the pipeline is built) and reused by every
     * question, so a question costs only its own tokens before the first answer token. Used when
     * the documents fit the context window with room for the answer; otherwise excerpts.
     */
    WHOLE_DOCUMENTS;

    /** {@return the name used in settings: {@code excerpts} or {@code whole-documents}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses an {@link #id()}.
     *
     * @param value the id, exactly
     * @return the layout, or empty when the text is none
     */
    public static Optional<PromptLayout> parse(String value) {
        for (PromptLayout layout : values()) {
            if (layout.id().equals(value)) {
                return Optional.of(layout);
            }
        }
        return Optional.empty();
    }
}
