package dev.mlportfolio.core.rag.generate;

/**
 * When to stop besides the end token and the budget.
 *
 * @param repeatedNgram stop as soon as the last this-many tokens already occurred in the answer
 *                      (and cut the repetition off); 0 turns it off. Small models loop under
 *                      greedy decoding ("la femme au martyre, la femme au martyre, ..."): six
 *                      tokens is longer than any phrase a short answer repeats on purpose.
 * @param paragraphEnd  stop at a blank line once the answer has a complete sentence
 */
public record StopRules(int repeatedNgram, boolean paragraphEnd) {
    /** Only the end token and the budget: what reference implementations do. */
    public static final StopRules NONE = new StopRules(0, false);
    /** For short answers. */
    public static final StopRules ANSWER = new StopRules(6, true);

    /**
     * Checks the rules.
     *
     * @throws IllegalArgumentException when the n-gram length is negative
     */
    public StopRules {
        if (repeatedNgram < 0) {
            throw new IllegalArgumentException("repeatedNgram must be 0 or more");
        }
    }

    /**
     * Where the repetition that the newest token completes begins (the start of the second
     * occurrence of the n-gram), or -1.
     */
    int repetitionStart(int[] tokens, int count) {
        int n = repeatedNgram;
        if (n == 0 || count < 2 * n) {
            return -1;
        }
        int tail = count - n;
        for (int start = tail - 1; start >= 0; start--) {
            int i = 0;
            while (i < n && tokens[start + i] == tokens[tail + i]) {
                i++;
            }
            if (i == n) {
                return tail;
            }
        }
        return -1;
    }

    /** Whether the text so far ends a finished answer with a blank line. */
    boolean endsParagraph(String text) {
        if (!paragraphEnd || !text.endsWith("\n\n")) {
            return false;
        }
        String body = text.strip();
        return !body.isEmpty() && ".!?)\"'".indexOf(body.charAt(body.length() - 1)) >= 0;
    }
}
