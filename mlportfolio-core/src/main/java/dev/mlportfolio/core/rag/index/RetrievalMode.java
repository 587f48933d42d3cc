package dev.mlportfolio.core.rag.index;

import java.util.Locale;
import java.util.Optional;

/** How chunks are found: both rankings fused (default), words only, or meaning only. */
public enum RetrievalMode {
    /** BM25 and vector rankings fused by reciprocal rank. */
    HYBRID,
    /** BM25 over the analysed words. */
    BM25,
    /** Cosine similarity of the embeddings. */
    VECTOR;

    /**
     * Parses {@code hybrid}, {@code bm25} or {@code vector}, ignoring case and surrounding blanks.
     *
     * @param text the text, may be null
     * @return the mode, or empty when the text is none
     */
    public static Optional<RetrievalMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "hybrid" -> Optional.of(HYBRID);
            case "bm25" -> Optional.of(BM25);
            case "vector" -> Optional.of(VECTOR);
            default -> Optional.empty();
        };
    }

    /** {@return the lower-case name used in requests and metadata} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
