package dev.mlportfolio.core.rag.answer;

import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers with the resume's own lines: the most relevant retrieved chunks, joined into a short
 * answer. Bullets of the same entry are joined after one copy of their entry line ("Engineer —
 * Acme (2020 – 2022): did this; did that."). When no chunk is similar enough to the question, it
 * says so instead of returning unrelated text.
 *
 * <p>Relevance ({@link RetrievedChunk#relevance()}) combines the embedding similarity with the share
 * of the question's content words the chunk holds; the thresholds are properties of the
 * embedding model and of English questions, not of a particular resume's wording.
 */
public final class ExtractiveAnswerer {
    /** Below this relevance a chunk is not taken as an answer to the question. */
    public static final double MIN_RELEVANCE = 0.20;
    /** Chunks this far below the best one are left out. */
    static final double MARGIN = 0.15;
    static final int MAX_CHUNKS = 3;
    /** The answer when nothing relevant was found. */
    public static final String NOT_FOUND = "I could not find anything about that in the resume.";

    /** An answerer; it keeps no state. */
    public ExtractiveAnswerer() {
    }

    /**
     * The chosen chunks and the answer text.
     *
     * @param text  the answer: the chosen lines joined, or {@link #NOT_FOUND}
     * @param found false when no chunk was relevant enough
     * @param used  the chosen chunks, most relevant first
     */
    public record Extract(String text, boolean found, List<RetrievedChunk> used) {
    }

    /**
     * Picks the lines that answer: the most relevant chunk and those within a margin of it, at most three.
     *
     * @param retrieved the chunks retrieved for the question, most relevant first
     * @return the answer and the chunks it rests on
     */
    public Extract answer(List<RetrievedChunk> retrieved) {
        // Nothing retrieved scores 0, below MIN_RELEVANCE: the answer is "not found".
        double best = retrieved.stream().mapToDouble(RetrievedChunk::relevance).max().orElse(0);
        if (best < MIN_RELEVANCE) {
            return new Extract(NOT_FOUND, false, List.of());
        }
        List<RetrievedChunk> used = new ArrayList<>();
        for (RetrievedChunk candidate : retrieved) {
            if (candidate.relevance() >= Math.max(MIN_RELEVANCE, best - MARGIN)) {
                used.add(candidate);
                if (used.size() == MAX_CHUNKS) {
                    break;
                }
            }
        }
        return new Extract(compose(used.stream().map(r -> r.chunk().text()).toList()), true, used);
    }

    /**
     * Joins lines, writing a shared "entry: " prefix once and ending each sentence properly.
     *
     * @param lines the chunks' texts, in order
     * @return one answer text
     */
    public static String compose(List<String> lines) {
        StringBuilder out = new StringBuilder();
        String currentPrefix = null;
        for (String line : lines) {
            String prefix = entryPrefix(line);
            String body = prefix == null ? line : line.substring(prefix.length() + 2);
            if (prefix != null && prefix.equals(currentPrefix)) {
                trimEnd(out);
                out.append("; ").append(lowerFirst(body));
            } else {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(line);
                currentPrefix = prefix;
            }
            if (!endsSentence(out)) {
                out.append('.');
            }
        }
        return out.toString();
    }

    /** The text before the first ": " when it reads like an entry line (long enough, no sentence end in it). */
    private static String entryPrefix(String line) {
        int colon = line.indexOf(": ");
        if (colon < 12) {
            return null;
        }
        String prefix = line.substring(0, colon);
        return prefix.contains(". ") ? null : prefix;
    }

    private static void trimEnd(StringBuilder out) {
        while (!out.isEmpty() && (out.charAt(out.length() - 1) == '.' || out.charAt(out.length() - 1) == ' ')) {
            out.setLength(out.length() - 1);
        }
    }

    private static boolean endsSentence(StringBuilder out) {
        char last = out.charAt(out.length() - 1);
        return last == '.' || last == '!' || last == '?' || last == ')' && out.length() > 1 && out.charAt(out.length() - 2) == '.';
    }

    private static String lowerFirst(String text) {
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }
}
