package dev.mlportfolio.core.rag.generate;

import java.util.Arrays;

/**
 * Turns generated token ids into text as they come. Byte-level tokens can end in the middle of
 * a UTF-8 character (an emoji is often three or four tokens), so text is handed out only once it
 * decodes to whole characters: the decoder's replacement character at the end means "wait". The
 * caller may also hold back the newest tokens (those a repetition cut could still take back), so
 * what was streamed is always the start of the final answer. Decoding the whole answer each time
 * keeps this exact; answers are short.
 */
final class TextStream {
    private static final char INCOMPLETE = '\uFFFD';
    private final ModelTokenizer tokenizer;
    private int[] ids = new int[64];
    private int count;
    private int emitted;

    TextStream(ModelTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    void add(int id) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = id;
    }

    /** The text of the first {@code tokens} tokens not handed out yet (possibly empty). */
    String emit(int tokens, boolean last) {
        if (tokens <= 0) {
            return "";
        }
        String text = textOf(tokens);
        if (!last && text.charAt(text.length() - 1) == INCOMPLETE || emitted >= text.length()) {
            return "";
        }
        String piece = text.substring(emitted);
        emitted = text.length();
        return piece;
    }

    /** The text of the first {@code tokens} tokens. */
    String textOf(int tokens) {
        int n = Math.min(tokens, count);
        return n == 0 ? "" : tokenizer.decode(ids, n);
    }

    int tokens() {
        return count;
    }
}
