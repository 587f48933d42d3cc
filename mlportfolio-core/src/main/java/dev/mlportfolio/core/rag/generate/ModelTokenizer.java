package dev.mlportfolio.core.rag.generate;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model's own {@code tokenizer.json}, run by Hugging Face {@code tokenizers} (through DJL's
 * binding), so prompt token ids are exactly those of the reference implementations.
 *
 * <p>Why not Jlama's tokenizer: in byte-level BPE mode it maps each code point, not each UTF-8
 * byte, through GPT-2's byte table, so every character outside Latin-1 ("—", "’", emoji) becomes
 * the unknown token (for SmolLM2, {@code <|endoftext|>}) and accented letters get the wrong ids;
 * its decoder has the same fault in reverse. Special tokens written in the text (chat markers)
 * are parsed as special tokens; nothing is added, truncated or padded.
 */
final class ModelTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static ModelTokenizer load(Path modelFolder) {
        try {
            return new ModelTokenizer(HuggingFaceTokenizer.newInstance(modelFolder.resolve("tokenizer.json"),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelFolder.resolve("tokenizer.json"), e);
        }
    }

    int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids[0..count)}, special tokens left out. */
    String decode(int[] ids, int count) {
        long[] wide = new long[count];
        for (int i = 0; i < count; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
