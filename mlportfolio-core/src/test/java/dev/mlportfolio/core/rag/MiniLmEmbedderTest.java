package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token ids and vectors against Hugging Face tokenizers + ONNX Runtime in Python (scripts/make_test_fixtures.py). */
class MiniLmEmbedderTest {
    private static MiniLmEmbedder embedder;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        embedder = MiniLmEmbedder.load();
        try (InputStream in = MiniLmEmbedderTest.class.getResourceAsStream("/fixtures/minilm-vectors.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void tokenIdsMatchHuggingFaceTokenizers() {
        for (JsonNode row : reference) {
            int[] expected = new int[row.get("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = row.get("ids").get(i).asInt();
            }
            assertArrayEquals(expected, embedder.tokenizer().encode(row.get("text").asText()), row.get("text").asText());
        }
    }

    @Test
    void vectorsMatchTheReference() {
        for (JsonNode row : reference) {
            float[] ours = embedder.embed(row.get("text").asText());
            assertEquals(384, ours.length);
            double dot = 0;
            for (int i = 0; i < ours.length; i++) {
                dot += ours[i] * row.get("embedding").get(i).asDouble();
            }
            assertTrue(dot > 0.9999, "cosine " + dot + " for " + row.get("text").asText());
        }
    }

    @Test
    void batchedEmbeddingsEqualOneByOne() {
        List<String> texts = List.of("short", "a somewhat longer sentence about Kubernetes and MLflow", "", "M.Sc. 2019");
        List<float[]> batched = embedder.embedAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = embedder.embed(texts.get(i));
            for (int d = 0; d < 384; d++) {
                assertEquals(single[d], batched.get(i)[d], 1e-4, texts.get(i));
            }
        }
    }

    @Test
    void moreTextsThanOneBatchAreEachEmbeddedAsAlone() {
        // 70 texts make nine runs of up to 8 windows, one after the other.
        List<String> texts = java.util.stream.IntStream.range(0, 70)
                .mapToObj(i -> "text number " + i + " about " + "topic ".repeat(i % 7)).toList();
        List<float[]> batched = embedder.embedAll(texts);
        assertEquals(texts.size(), batched.size());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(embedder.embed(texts.get(i)), batched.get(i), 1e-4f, texts.get(i));
        }
    }

    @Test
    void questionsAskedTogetherGetTheVectorsTheyGetAlone() throws Exception {
        // Eight threads asking at once: their questions share runs, padded to the longest of each.
        List<String> questions = List.of("What is your name?", "Which deep learning framework do you use?",
                "Do you speak Swedish?", "How much did active learning reduce annotation cost at Bluefjord Analytics?",
                "Kubernetes?", "What was your master thesis about?", "Where do you currently work?", "AP on COCO");
        List<float[]> alone = questions.stream().map(embedder::embed).toList();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(questions.size());
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(questions.size())) {
            List<java.util.concurrent.Future<List<float[]>>> asked = new java.util.ArrayList<>();
            for (String question : questions) {
                asked.add(pool.submit(() -> {
                    start.await();
                    List<float[]> vectors = new java.util.ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        vectors.add(embedder.embed(question));
                    }
                    return vectors;
                }));
            }
            for (int q = 0; q < questions.size(); q++) {
                for (float[] vector : asked.get(q).get()) {
                    assertArrayEquals(alone.get(q), vector, 1e-5f, questions.get(q));
                }
            }
        }
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        float[] hobbies = embedder.embed("What are your hobbies?");
        float[] interests = embedder.embed("Interests: bouldering and analogue photography");
        float[] cloud = embedder.embed("Certified Kubernetes Application Developer");
        assertTrue(dot(hobbies, interests) > dot(hobbies, cloud) + 0.1);
    }

    @Test
    void longTextsAreEmbeddedInWindows() {
        String longText = "machine learning engineer building detection systems. ".repeat(120);
        float[] vector = embedder.embed(longText);
        assertTrue(embedder.tokenizer().encodeWords(longText).length > 510);
        assertEquals(1.0, dot(vector, vector), 1e-4);
    }

    @Test
    void aClosedEmbedderRefusesNewWorkAndClosingTwiceIsHarmless() {
        MiniLmEmbedder own = MiniLmEmbedder.load(1);
        assertEquals(384, own.embed("before").length);
        own.close();
        assertThrows(IllegalStateException.class, () -> own.embed("after"));
        own.close();
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
