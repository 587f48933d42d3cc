package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A model with a small context window (600 tokens, one per character): a question that cannot fit gets 422. */
@ServerTest
class RagContextLimitTest {
    private static Application app;
    private final Http1Client client;

    RagContextLimitTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = TestSupport.generativeApp("rag-context", 4, 600);
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aQuestionLongerThanTheContextIsRefused() {
        String question = "Which programming languages do you know? " + "Please list them all. ".repeat(40);
        for (boolean stream : new boolean[] {false, true}) {
            try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                    .submit(Json.bytes(Map.of("query", question, "answer_mode", "generative", "stream", stream)))) {
                if (!stream) {
                    assertEquals(Status.UNPROCESSABLE_CONTENT_422, res.status());
                    JsonNode body = json(res);
                    assertEquals("question_too_long", body.get("error").asText());
                    assertTrue(body.get("message").asText().contains("ask a shorter question"), body.toString());
                } else {
                    String events = res.as(String.class);
                    assertTrue(events.contains("event: error") && events.contains("question_too_long"), events);
                }
            }
        }
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.bytes(Map.of("query", "Which programming languages do you know?", "answer_mode", "generative")))) {
            assertEquals(Status.OK_200, res.status(), "a short question still fits (excerpts are dropped to fit)");
        }
    }
}
