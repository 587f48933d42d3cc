package dev.mlportfolio.core.rag.generate;

/** The question alone does not fit the model's context window with room for an answer. */
public final class PromptTooLongException extends IllegalArgumentException {
    /** Tokens the question takes with the instructions. */
    private final int promptTokens;
    /** The model's context window. */
    private final int contextTokens;

    /**
     * A refusal.
     *
     * @param promptTokens  tokens the question takes with the instructions
     * @param contextTokens the model's context window
     */
    public PromptTooLongException(int promptTokens, int contextTokens) {
        super("the question takes " + promptTokens + " tokens with the instructions, but the model's context holds "
                + contextTokens + " including the answer; ask a shorter question");
        this.promptTokens = promptTokens;
        this.contextTokens = contextTokens;
    }

    /** {@return tokens the question takes with the instructions} */
    public int promptTokens() {
        return promptTokens;
    }

    /** {@return the model's context window, in tokens} */
    public int contextTokens() {
        return contextTokens;
    }
}
