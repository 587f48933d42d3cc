package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.TinyLlama;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The server as a user configures it for generation: RAG_MODEL_PATH names a Jlama model folder (a
 * tiny random-weight Llama written here) and the pipeline loads from the settings, in the background.
 */
@ServerTest
class RagGenerativeRoutesTest {
    private static Application app;
    private final Http1Client client;

    RagGenerativeRoutesTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = TestSupport.generativeApp("rag-generative", 21, TinyLlama.CONTEXT);
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void tokensStreamFromTheModelThenTheAnswerArrives() throws IOException {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(Map.of("query", "Which programming languages do you know?", "stream", true,
                        "include_metadata", true, "answer_mode", "generative")))) {
            assertEquals(Status.OK_200, res.status());
            String stream = res.as(String.class);
            long tokens = stream.lines().filter(l -> l.equals("event: token")).count();
            assertTrue(tokens > 1, "several token events, one per generated piece: " + stream);
            JsonNode done = Json.MAPPER.readTree(stream.substring(stream.indexOf("event: done\ndata: ") + 18).strip());
            JsonNode metadata = done.get("metadata");
            assertEquals("generative", metadata.get("mode").asText());
            assertEquals("tiny-llama", metadata.get("model").asText());
            assertTrue(metadata.get("prompt_tokens").asInt() > 200, "the prompt holds the retrieved excerpts");
            assertTrue(metadata.get("output_tokens").asInt() > 0 && metadata.get("output_tokens").asInt() <= 16);
            assertTrue(done.get("sources").size() > 0);
            StringBuilder streamed = new StringBuilder();
            stream.lines().filter(l -> l.startsWith("data: {\"text\"")).forEach(l -> {
                try {
                    streamed.append(Json.MAPPER.readTree(l.substring(6)).get("text").asText());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertEquals(done.get("response").asText(), streamed.toString().strip(), "the streamed pieces make the answer");
        }
    }

    @Test
    void autoModeFallsBackFromGibberishAndSaysWhy() {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(Map.of("query", "Which programming languages do you know?", "include_metadata", true)))) {
            JsonNode body = json(res);
            JsonNode metadata = body.get("metadata");
            assertEquals("auto", metadata.get("answer_mode").asText());
            assertEquals("extractive", metadata.get("mode").asText(), body.toString());
            assertTrue(body.get("response").asText().contains("Kotlin"));
            JsonNode generation = metadata.get("generation");
            assertEquals(false, generation.get("shown").asBoolean());
            assertTrue(generation.get("fallback_reason").asText().length() > 10, body.toString());
            assertTrue(generation.get("text").asText().length() > 0, "the model's own text is kept for inspection");
        }
        try (Http1ClientResponse res = client.get("/metrics").request()) {
            String metrics = res.as(String.class);
            assertTrue(java.util.regex.Pattern.compile("(?m)^rag_generations_total\\{outcome=\"fallback\"} [1-9]")
                    .matcher(metrics).find(), "the fallback is counted");
            assertTrue(java.util.regex.Pattern.compile("(?m)^rag_generated_tokens_total [1-9]").matcher(metrics).find());
        }
    }

    @Test
    void anUnknownAnswerModeIsRefused() {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(Map.of("query", "Which languages?", "answer_mode", "creative")))) {
            assertEquals(Status.UNPROCESSABLE_CONTENT_422, res.status());
            assertTrue(json(res).get("message").asText().contains("auto, generative or extractive"));
        }
    }

    @Test
    void extractiveAnswersCanStillBeAskedFor() {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(Map.of("query", "Which programming languages do you know?", "answer_mode", "extractive",
                        "include_metadata", true)))) {
            JsonNode body = json(res);
            assertEquals("extractive", body.get("metadata").get("mode").asText());
            assertTrue(body.get("response").asText().contains("Kotlin"));
        }
    }

    @Test
    void infoNamesTheModel() {
        try (Http1ClientResponse res = client.get("/rag/info").request()) {
            JsonNode info = json(res);
            assertEquals("generative", info.get("mode").asText());
            assertEquals("tiny-llama", info.get("generative_model").asText());
            assertEquals("mlportfolio-llama/int8", info.get("generative_engine").asText(), "RAG_LLM_ENGINE=auto on an F32 Llama");
        }
    }
}
