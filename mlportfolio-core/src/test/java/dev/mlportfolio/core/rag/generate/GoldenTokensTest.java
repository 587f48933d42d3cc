package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.testing.RealLlm;
import dev.mlportfolio.core.testing.SkipEachTest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real SmolLM2 model, converted by scripts/llm/convert_gguf.py, against token ids that
 * llama.cpp produced on the original GGUF ({@code fixtures/smollm2-golden.json}, recorded by
 * {@code scripts/llm/record_golden.sh}): the prompt's ids (our tokenizer), then greedy decoding
 * (the converted weights and our decoding loop, on the built-in engine and on Jlama's Panama
 * operations), each run twice so the second run starts from the cached prompt prefix of the first.
 */
@ExtendWith(SkipEachTest.class)
class GoldenTokensTest {
    private static final Map<Engine, JlamaGenerator> GENERATORS = new EnumMap<>(Engine.class);

    @AfterAll
    static void close() {
        GENERATORS.values().forEach(JlamaGenerator::close);
        GENERATORS.clear();
    }

    static Stream<Arguments> cases() throws Exception {
        try (InputStream in = GoldenTokensTest.class.getResourceAsStream("/fixtures/smollm2-golden.json")) {
            List<Arguments> out = new ArrayList<>();
            JsonNode all = new ObjectMapper().readTree(in);
            for (Engine engine : List.of(Engine.F32, Engine.JLAMA)) {
                all.path("cases").forEach(c -> out.add(Arguments.of(engine, c)));
            }
            return out.stream();
        }
    }

    @ParameterizedTest(name = "{index}: {0} {1}")
    @MethodSource("cases")
    void promptTokensAndGreedyOutputEqualLlamaCpp(Engine engine, JsonNode golden) throws Exception {
        JlamaGenerator generator = GENERATORS.computeIfAbsent(engine, e -> JlamaGenerator.load(RealLlm.smolLm2(),
                JlamaGenerator.Options.DEFAULT.withEngine(e)));
        assertEquals(engine == Engine.F32 ? "mlportfolio-llama/f32" : "jlama", generator.engine());
        String prompt = golden.path("prompt").asText();
        int[] expectedPrompt = ints(golden.path("prompt_ids"));
        int[] expectedOutput = ints(golden.path("output_ids"));
        if (golden.has("question")) {
            List<Chunk> excerpts = new ArrayList<>();
            golden.path("excerpts").forEach(e -> excerpts.add(new Chunk("g#" + excerpts.size(), "g", e.path("section").asText(),
                    e.path("text").asText(), excerpts.size())));
            assertEquals(prompt, generator.prompt(golden.path("question").asText(), excerpts),
                    "the RAG prompt changed: re-record the fixture with scripts/llm/record_golden.sh");
        }
        assertArrayEquals(expectedPrompt, generator.encode(prompt), "prompt token ids of " + golden.path("name"));

        for (int run = 1; run <= 2; run++) {
            Completion done = generator.complete(prompt, expectedOutput.length, StopRules.NONE, null);
            int[] expected = withoutEnd(expectedOutput);
            assertArrayEquals(expected, done.outputIds(), engine + " " + golden.path("name") + " run " + run + ": " + done.text());
            if (run == 2) {
                assertEquals(expectedPrompt.length - 1, done.reusedPromptTokens(), "the second run reuses the cached prompt");
            }
            assertTrue(done.text().strip().startsWith(golden.path("output_text").asText().strip().substring(0, 8)),
                    done.text());
        }
    }

    private static int[] withoutEnd(int[] ids) {
        return ids.length > 0 && ids[ids.length - 1] == 2 ? java.util.Arrays.copyOf(ids, ids.length - 1) : ids;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
