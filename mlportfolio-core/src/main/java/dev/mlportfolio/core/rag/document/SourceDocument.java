package dev.mlportfolio.core.rag.document;

/**
 * A text the answers are drawn from.
 *
 * @param id    stable within a set of documents, e.g. the file name
 * @param title a name for people, e.g. the file name without extension
 * @param text  the plain text (Markdown is kept as written; the chunker reads its structure)
 */
public record SourceDocument(String id, String title, String text) {
}
