package dev.mlportfolio.core.rag.chunk;

/**
 * One retrievable unit of a document: a bullet, a short paragraph or an entry line.
 *
 * @param id         {@code <document id>#<ordinal>}
 * @param documentId the document it comes from
 * @param section    the heading it stands under, e.g. {@code Education}
 * @param text       the unit as written (formatting marks removed), prefixed with its entry line
 *                   when it is a bullet of an entry, e.g. a job
 * @param ordinal    position in the document
 */
public record Chunk(String id, String documentId, String section, String text, int ordinal) {
    /**
     * What is indexed and embedded: the section gives the unit its context, and degree
     * abbreviations are spelled out (see {@link dev.mlportfolio.core.rag.index.ResumeAnalysis}).
     *
     * @return the section, a colon and the expanded text
     */
    public String indexedText() {
        String expanded = dev.mlportfolio.core.rag.index.ResumeAnalysis.expandAbbreviations(text);
        return section.isEmpty() ? expanded : section + ": " + expanded;
    }
}
