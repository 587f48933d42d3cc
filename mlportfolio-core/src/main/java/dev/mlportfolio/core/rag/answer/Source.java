package dev.mlportfolio.core.rag.answer;

/**
 * A chunk an answer drew on, as the API shows it.
 *
 * @param section the heading the chunk stands under
 * @param text    the chunk's text
 * @param score how relevant the chunk is to the question, 0 to 1 (see RetrievedChunk#relevance)
 */
public record Source(String section, String text, double score) {
}
