package dev.mlportfolio.server.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.RealLlm;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with the real SmolLM2 model: it loads (Jinjava's YAML mapper and DJL's
 * tokenizer natives are on the run-time classpath, not only the test one) and answers
 * generatively; a model folder that cannot load leaves RAG serving extractive answers and says why.
 */
class RealModelServerIT {
    @Test
    void answersGenerativelyWithTheRealModel(@TempDir Path dir) throws Exception {
        Path model = RealLlm.smolLm2();
        try (PackagedServer server = PackagedServer.start(dir, Map.of("RAG_MODEL_PATH", model.toString()))) {
            server.awaitRag(Duration.ofSeconds(120));
            JsonNode info = PackagedServer.json(server.get("/rag/info"));
            assertEquals("generative", info.path("mode").asText(), info.toString());
            assertEquals(model.getFileName().toString(), info.path("generative_model").asText());
            assertEquals("mlportfolio-llama/int8", info.path("generative_engine").asText(), info.toString());

            HttpResponse<String> res = server.post("/rag/query",
                    "{\"query\": \"What is your current job title?\", \"include_metadata\": true, \"answer_mode\": \"generative\"}");
            assertEquals(200, res.statusCode(), res.body());
            JsonNode body = PackagedServer.json(res);
            JsonNode meta = body.path("metadata");
            assertEquals("generative", meta.path("mode").asText(), res.body());
            assertTrue(meta.path("output_tokens").asInt() > 0, res.body());
            assertTrue(meta.path("prompt_tokens").asInt() > 100, "the excerpts are in the prompt: " + res.body());
            assertFalse(body.path("response").asText().isBlank(), res.body());
            assertEquals(body.path("response").asText(), meta.path("generation").path("text").asText());
            assertTrue(body.path("response").asText().contains("Machine Learning Engineer"),
                    "SmolLM2 names the job title from the excerpt: " + res.body());

            HttpResponse<String> auto = server.post("/rag/query",
                    "{\"query\": \"How big is the team you lead?\", \"include_metadata\": true}");
            JsonNode autoMeta = PackagedServer.json(auto).path("metadata");
            assertEquals("auto", autoMeta.path("answer_mode").asText(), auto.body());
            JsonNode generation = autoMeta.path("generation");
            assertNotNull(generation.get("grounded"), auto.body());
            assertEquals(generation.path("shown").asBoolean(), generation.path("fallback_reason").isMissingNode(), auto.body());
            assertTrue(PackagedServer.json(auto).path("response").asText().toLowerCase().contains("four"),
                    "auto mode answers right either way: " + auto.body());
        }
    }

    @Test
    void aModelThatDoesNotLoadLeavesExtractiveAnswers(@TempDir Path dir) throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken-model"));
        Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": \"lots\"}");
        try (PackagedServer server = PackagedServer.start(dir, Map.of("RAG_MODEL_PATH", broken.toString()))) {
            server.awaitLog("MLflow tracking is off", Duration.ofSeconds(10));
            server.awaitRag(Duration.ofSeconds(90));
            JsonNode health = PackagedServer.json(server.get("/health")).path("services").path("rag");
            assertEquals("degraded", health.path("status").asText(), health.toString());
            assertTrue(health.path("message").asText().contains("did not load, so answers are extractive"), health.toString());
            JsonNode info = PackagedServer.json(server.get("/rag/info"));
            assertEquals("extractive", info.path("mode").asText());
            assertTrue(info.path("message").asText().contains("broken-model"), info.toString());
            assertFalse(info.path("message").asText().contains(dir.toString()), "no absolute path: " + info);
            HttpResponse<String> res = server.post("/rag/query", "{\"query\": \"What is your current job title?\"}");
            assertEquals(200, res.statusCode(), res.body());
            assertTrue(PackagedServer.json(res).path("response").asText().contains("Machine Learning Engineer"), res.body());
        }
    }

    @Test
    void theStartUpLinesSayWhereTrackingGoesWithoutCredentials(@TempDir Path dir) throws Exception {
        // Port 1 on loopback: nothing listens, the server starts anyway with tracking failing quietly.
        try (PackagedServer server = PackagedServer.start(dir, Map.of("MLFLOW_TRACKING_URI", "http://alice:s3cret@127.0.0.1:1"))) {
            String line = server.awaitLog("MLflow tracking to", Duration.ofSeconds(10));
            assertTrue(line.contains("MLflow tracking to http://127.0.0.1:1 "), line);
            String health = server.get("/health").body();
            assertTrue(health.contains("http://127.0.0.1:1") && !health.contains("s3cret"), "/health names the server only: " + health);
            server.awaitLog("tracking server unavailable", Duration.ofSeconds(20));
            assertTrue(server.log().stream().noneMatch(l -> l.contains("s3cret")), "no credentials in the log: " + server.log());
        }
    }
}
