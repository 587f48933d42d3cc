package dev.mlportfolio.core.rag.generate;

/** Why a generation stopped. */
public enum FinishReason {
    /** The model wrote its end-of-turn token. */
    END_TOKEN,
    /** The answer budget ran out. */
    MAX_TOKENS,
    /** The model began to repeat itself; the repeated part was cut off. */
    REPETITION,
    /** A blank line after a complete answer: what follows is a new topic, not the answer. */
    PARAGRAPH_END,
    /** The context window is full. */
    CONTEXT_FULL
}
