package dev.mlportfolio.core.rag.index;

import java.util.Locale;
import java.util.Optional;

/** How chunks are found: both rankings fused (default), words only, or meaning only. */
public enum RetrievalMode {
    HYBRID,
    BM25,
    VECTOR;

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

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
