package dev.mlportfolio.core.rag.generate;

/** The question alone does not fit the model's context window with room for an answer. */
public final class PromptTooLongException extends IllegalArgumentException {
    private final int promptTokens;
    private final int contextTokens;

    public PromptTooLongException(int promptTokens, int contextTokens) {
        super("the question takes " + promptTokens + " tokens with the instructions, but the model's context holds "
                + contextTokens + " including the answer; ask a shorter question");
        this.promptTokens = promptTokens;
        this.contextTokens = contextTokens;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int contextTokens() {
        return contextTokens;
    }
}
