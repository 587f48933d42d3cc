package dev.mlportfolio.core.rag.answer;

/** Milliseconds: embedding the question, searching, composing or generating the answer, and all of it. */
public record AnswerTimings(double embeddingMs, double retrievalMs, double answerMs, double totalMs) {
}
