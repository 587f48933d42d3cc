package dev.mlportfolio.core.rag.generate;

/**
 * One greedy completion of a rendered prompt.
 *
 * @param promptIds          the prompt's token ids
 * @param outputIds          the generated ids, without the end token and without any cut-off repetition
 * @param text               the decoded output
 * @param finishReason       why generation stopped
 * @param reusedPromptTokens prompt tokens whose keys and values came from the cache of an earlier prompt
 * @param prefillMs          time to run the prompt through the model
 * @param firstTokenMs       time from the start to the first generated token
 * @param decodeMs           time spent generating after the first token
 */
public record Completion(int[] promptIds, int[] outputIds, String text, FinishReason finishReason,
                         int reusedPromptTokens, double prefillMs, double firstTokenMs, double decodeMs) {
    /** {@return generated tokens per second after the first one} */
    public double decodeTokensPerSecond() {
        return outputIds.length <= 1 || decodeMs <= 0 ? 0 : (outputIds.length - 1) / (decodeMs / 1000);
    }
}
