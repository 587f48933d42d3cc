package dev.mlportfolio.core.rag.index;

import dev.mlportfolio.core.rag.chunk.Chunk;

/**
 * A chunk found for a question.
 *
 * @param chunk      the chunk
 * @param score      the ranking score of the mode used (reciprocal-rank fusion, BM25 or cosine)
 * @param similarity cosine similarity of the chunk's vector to the question's, in every mode
 * @param coverage   the share of the question's content words (after analysis) that the chunk holds
 */
public record RetrievedChunk(Chunk chunk, double score, double similarity, double coverage) {
    /**
     * How well the chunk answers the question: the better of meaning (similarity) and words
     * (coverage). Either alone misses cases: the embedding model scores "How big is the team you
     * lead?" against "Lead a team of four engineers" at 0.1, while a question phrased in other
     * words than the resume shares none of them.
     *
     * @return the relevance, 0 to 1
     */
    public double relevance() {
        return Math.max(similarity, coverage * COVERAGE_WEIGHT);
    }

    /** Full coverage counts like a similarity of 0.6, a clear match. */
    static final double COVERAGE_WEIGHT = 0.6;
}
