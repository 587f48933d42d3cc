package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.core.testing.RealLlm;
import dev.mlportfolio.core.testing.SkipEachTest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in engine on the real SmolLM2 weights, beyond the golden tokens: a prompt run in one
 * batch and run in pieces (the cache holding the rest) give bit-identical logits, and the 8-bit
 * weights stay close to the F32 ones.
 */
@ExtendWith(SkipEachTest.class)
class LlamaModelTest {

    private static List<int[]> goldenPrompts() throws Exception {
        try (InputStream in = LlamaModelTest.class.getResourceAsStream("/fixtures/smollm2-golden.json")) {
            List<int[]> out = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(in).path("cases")) {
                int[] ids = new int[c.path("prompt_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = c.path("prompt_ids").get(i).asInt();
                }
                out.add(ids);
            }
            return out;
        }
    }

    private static LlamaModel load(boolean int8, int threads) {
        Path folder = RealLlm.smolLm2();
        return LlamaModel.load(folder, LlamaConfig.read(folder).orElseThrow(), int8, threads);
    }

    @Test
    void aPromptInOneBatchAndInPiecesGivesTheSameLogits() throws Exception {
        int[] prompt = goldenPrompts().get(2);
        try (LlamaModel model = load(false, 2)) {
            float[] whole;
            try (DecoderModel.Cache cache = model.newCache()) {
                whole = model.logits(prompt, 0, prompt.length, cache);
            }
            try (DecoderModel.Cache cache = model.newCache()) {
                // Batches of 4 (the kernel's tile), of 3 (its remainder loop) and single tokens.
                int split = prompt.length - 9;
                model.logits(prompt, 0, 4, cache);
                model.logits(prompt, 4, split, cache);
                for (int at = split; at < prompt.length - 1; at++) {
                    model.logits(prompt, at, at + 1, cache);
                }
                float[] pieces = model.logits(prompt, prompt.length - 1, prompt.length, cache);
                assertArrayEquals(whole, pieces, "a token's result must not depend on the batch it ran in");
            }
        }
    }

    @Test
    void oneThreadAndTwoThreadsGiveTheSameLogits() throws Exception {
        int[] prompt = goldenPrompts().get(0);
        float[] one;
        try (LlamaModel model = load(false, 1); DecoderModel.Cache cache = model.newCache()) {
            one = model.logits(prompt, 0, prompt.length, cache);
        }
        try (LlamaModel model = load(false, 2); DecoderModel.Cache cache = model.newCache()) {
            assertArrayEquals(one, model.logits(prompt, 0, prompt.length, cache));
        }
    }

    @Test
    void eightBitWeightsStayCloseToF32() throws Exception {
        List<float[]> exact = new ArrayList<>();
        try (LlamaModel model = load(false, 2)) {
            for (int[] prompt : goldenPrompts()) {
                try (DecoderModel.Cache cache = model.newCache()) {
                    exact.add(model.logits(prompt, 0, prompt.length, cache));
                }
            }
        }
        try (LlamaModel model = load(true, 2)) {
            assertEquals("mlportfolio-llama/int8", model.engine());
            List<int[]> prompts = goldenPrompts();
            for (int i = 0; i < prompts.size(); i++) {
                int[] prompt = prompts.get(i);
                float[] quantized;
                try (DecoderModel.Cache cache = model.newCache()) {
                    quantized = model.logits(prompt, 0, prompt.length, cache);
                }
                float[] reference = exact.get(i);
                double cosine = cosine(reference, quantized);
                assertTrue(cosine > 0.99, "prompt " + i + ": cosine of the logits " + cosine);
                // The F32 top token is among the 8-bit top 3 (the top two can be a hair apart).
                int best = LlamaModel.argmax(reference);
                assertTrue(rank(quantized, best) < 3, "prompt " + i + ": F32's token ranks " + rank(quantized, best));
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static int rank(float[] logits, int token) {
        int higher = 0;
        for (float v : logits) {
            if (v > logits[token]) {
                higher++;
            }
        }
        return higher;
    }

    @Test
    void configRejectsWhatTheEngineDoesNotRun() {
        LlamaConfig smol = new LlamaConfig(576, 1536, 30, 9, 3, 49152, 8192, 1e-5f, 100000, true, 1, java.util.Set.of(2));
        assertTrue(LlamaModel.runs(smol));
        assertTrue(!LlamaModel.runs(new LlamaConfig(30, 64, 2, 2, 1, 128, 64, 1e-5f, 10000, false, 1, java.util.Set.of(2))),
                "a head of 15 values is not a multiple of the vector width");
        assertTrue(!LlamaModel.runs(new LlamaConfig(576, 1536, 30, 9, 2, 49152, 8192, 1e-5f, 100000, true, 1,
                java.util.Set.of(2))), "9 query heads cannot share 2 key/value heads");
        assertEquals(Arrays.asList(64, 192), Arrays.asList(smol.headDim(), smol.kvDim()));
    }
}
