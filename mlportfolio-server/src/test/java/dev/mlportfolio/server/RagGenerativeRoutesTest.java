package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.TinyLlama;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.rag.LoadedRag;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        try {
            Path dir = Files.createTempDirectory("rag-generative");
            Path model = TinyLlama.write(dir.resolve("tiny-llama"), true, 21);
            app = Application.create(TestSupport.settings("RAG_RESUME_PATH", "../data/resume.md",
                    "RAG_WORKING_DIR", dir.resolve("work").toString(), "RAG_MODEL_PATH", model.toString(),
                    "RAG_MAX_NEW_TOKENS", "16"));
            if (app.rag().await(Duration.ofSeconds(60)) != LoadedRag.State.READY) {
                throw new IllegalStateException("RAG did not load: " + app.rag().problem());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
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
                        "include_metadata", true)))) {
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
        }
    }
}
