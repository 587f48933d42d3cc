package dev.mlportfolio.core.rag.answer;

/**
 * Where an answer's time went.
 *
 * @param embeddingMs milliseconds embedding the question
 * @param retrievalMs milliseconds searching the index
 * @param answerMs    milliseconds composing or generating the answer
 * @param totalMs     milliseconds for all of it
 */
public record AnswerTimings(double embeddingMs, double retrievalMs, double answerMs, double totalMs) {
}
