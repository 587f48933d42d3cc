package dev.mlportfolio.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mlportfolio.core.testing.LocalPorts;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.TestSupport.Multipart;
import dev.mlportfolio.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document against the server it describes: every route the server registers is
 * documented with its methods and no documented route is missing; real requests reach every
 * documented answer (each success and each error status of each route), and each answer is checked
 * against the document: a status it lists, a content type it lists, the headers it requires, and a
 * JSON body valid against its schema (JSON Schema 2020-12, as OpenAPI 3.1 uses, by networknt's
 * validator). Three servers give the three kinds of answer: a working one with API keys, the test
 * model, the sample resume and the shared MLflow; a broken one (no model, no resume, no MLflow,
 * Redis unreachable); and one whose rate limits are two requests a minute, shut down at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SkipEachTest.class)
class OpenApiContractTest {
    private static final String KEY = "contract-test-key-0123456789abcdef";
    private static final String BASE = "https://mlportfolio.test/openapi.json";
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LiveServer working;
    private static LiveServer broken;
    private static LiveServer limited;
    private static JsonNode document;
    private static JsonSchemaFactory schemas;
    /** "METHOD /template STATUS" of every answer seen. */
    private static final Set<String> seen = new TreeSet<>();

    @BeforeAll
    static void start() throws IOException {
        String mlflow = MlflowTestServer.sharedUri();
        working = LiveServer.start(Application.builder(TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(),
                "API_KEYS", "tester:" + KEY, "MLFLOW_TRACKING_URI", mlflow, "MAX_FILE_SIZE", "1048576"))
                .rag(TestSupport.sampleRag()).build());
        Path missing = Files.createTempDirectory("contract").resolve("missing");
        broken = LiveServer.start(Application.create(TestSupport.settings("MODEL_PATH", missing.resolve("model.onnx").toString(),
                "RAG_RESUME_PATH", missing.resolve("resume.md").toString(), "RAG_WORKING_DIR", missing.resolve("work").toString(),
                "REDIS_URL", "redis://127.0.0.1:" + LocalPorts.free() + "/0")));
        limited = LiveServer.start(Application.create(TestSupport.settings("MODEL_PATH", missing.resolve("model.onnx").toString(),
                "RAG_RESUME_PATH", missing.resolve("resume.md").toString(), "RAG_WORKING_DIR", missing.resolve("work2").toString(),
                "RATE_LIMIT_IMAGES", "2/min", "RATE_LIMIT_RAG", "2/min")));
        HttpResponse<byte[]> res = send(working, "GET", "/openapi.json", null, null, false);
        assertEquals(200, res.statusCode());
        document = Json.MAPPER.readTree(res.body());
        String json = new String(res.body(), StandardCharsets.UTF_8);
        schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaLoaders(loaders -> loaders.schemas(Map.of(BASE, json))));
    }

    @AfterAll
    static void stop() {
        LiveServer.closeAll(working, broken, limited);
    }

    @Test
    void documentsEveryRouteTheServerHasAndNoOther() throws IOException {
        Map<String, Set<String>> served = new TreeMap<>();
        working.app().apiRoutes().forEach((path, methods) -> {
            Set<String> own = new TreeSet<>(methods);
            own.remove("HEAD"); // every GET route answers HEAD; the document lists GET
            served.put(path, own);
        });
        Map<String, Set<String>> documented = new TreeMap<>();
        document.get("paths").properties().forEach(e -> {
            Set<String> methods = new TreeSet<>();
            e.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            });
            documented.put(e.getKey(), methods);
        });
        assertEquals(served, documented, "routes the server registers vs routes the document lists");
        assertEquals(new YAMLMapper().readTree(send(working, "GET", "/openapi.yaml", null, null, false).body()), document,
                "/openapi.yaml is the same document as /openapi.json");
        assertEquals("3.1.0", document.get("openapi").asText());
    }

    @Test
    void serviceRoutes() {
        check(working, "GET", "/", null, null, false);
        check(working, "GET", "/openapi.json", null, null, false);
        check(working, "GET", "/openapi.yaml", null, null, false);
        check(working, "GET", "/health", null, null, false);
        check(working, "GET", "/health/live", null, null, false);
        check(working, "GET", "/health/ready", null, null, false);
        check(working, "GET", "/metrics", null, null, true);
        check(working, "GET", "/metrics", null, null, false);
    }

    @Test
    void detectionRoutes() throws IOException {
        byte[] png = TestSupport.image("png", 64, 48);
        byte[] pdf = Files.readAllBytes(Path.of("../data/samples/notes.pdf"));
        for (String path : new String[] {"/process-image", "/process-image/async"}) {
            check(working, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), true);
            check(working, "POST", path, Multipart.CONTENT_TYPE, new Multipart().part("other", null, null, png).build(), true);
            check(working, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), false);
            check(working, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("big.png", "image/png", new byte[1_200_000]), true);
            check(working, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("notes.pdf", "application/pdf", pdf), true);
            check(broken, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), false);
            check(limited, "POST", path, Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), false);
        }
        // The two above used the limited server's budget of 2 a minute: now it refuses.
        check(limited, "POST", "/process-image", Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), false);
        check(limited, "POST", "/process-image/async", Multipart.CONTENT_TYPE, Multipart.file("a.png", "image/png", png), false);
        check(working, "GET", "/model/info", null, null, true);
        check(working, "GET", "/model/info", null, null, false);
    }

    @Test
    void taskRoutes() throws Exception {
        HttpResponse<byte[]> accepted = send(working, "POST", "/process-image/async", Multipart.CONTENT_TYPE,
                Multipart.file("a.png", "image/png", TestSupport.image("png", 64, 48)), true);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode task;
        do {
            task = check(working, "GET", location, null, null, true);
            if (System.nanoTime() > deadline) {
                fail("the task did not finish: " + task);
            }
            Thread.sleep(50);
        } while (!task.get("status").asText().equals("completed") && !task.get("status").asText().equals("failed"));
        assertEquals("completed", task.get("status").asText(), task.toString());
        check(working, "GET", location, null, null, false);
        check(working, "GET", "/task/5f0c6c39-0d3c-4d8e-b1a4-6d9c5d1d9a11", null, null, true);
        check(broken, "GET", "/task/5f0c6c39-0d3c-4d8e-b1a4-6d9c5d1d9a11", null, null, false);
    }

    @Test
    void ragRoutes() throws IOException {
        check(working, "GET", "/rag/info", null, null, true);
        check(working, "GET", "/rag/info", null, null, false);
        check(working, "GET", "/rag/health", null, null, false);
        check(broken, "GET", "/rag/health", null, null, false);
        String json = "application/json";
        byte[] question = bytes("{\"query\": \"Where did you study?\", \"include_metadata\": true}");
        for (String path : new String[] {"/rag/query", "/rag/query/async"}) {
            check(working, "POST", path, json, question, true);
            check(working, "POST", path, json, bytes("{\"query\": "), true);
            check(working, "POST", path, json, question, false);
            check(working, "POST", path, json, bytes("{\"query\": \"" + "a".repeat(20_000) + "\"}"), true);
            check(working, "POST", path, "text/plain", question, true);
            check(working, "POST", path, json, bytes("{\"top_k\": 3}"), true);
            check(broken, "POST", path, json, question, false);
            check(limited, "POST", path, json, question, false);
        }
        check(limited, "POST", "/rag/query", json, question, false);
        check(limited, "POST", "/rag/query/async", json, question, false);

        // The streamed answer: token events, then a done event whose data is the JSON answer's schema.
        HttpResponse<byte[]> stream = send(working, "POST", "/rag/query", json,
                bytes("{\"query\": \"Where did you study?\", \"stream\": true, \"include_metadata\": true}"), true);
        record(stream, "POST", "/rag/query");
        String events = new String(stream.body(), StandardCharsets.UTF_8);
        assertTrue(events.startsWith("event: token\n"), events);
        String done = events.substring(events.indexOf("event: done\ndata: ") + "event: done\ndata: ".length()).strip();
        validate(Json.MAPPER.readTree(done), "#/components/schemas/RagAnswer", "the done event of a stream");
    }

    @Test
    void trackingRoutes() {
        check(working, "GET", "/mlflow/runs?max_results=5", null, null, true);
        check(working, "GET", "/mlflow/runs?max_results=0", null, null, true);
        check(working, "GET", "/mlflow/runs", null, null, false);
        check(working, "GET", "/mlflow/runs?experiment=contract-test-no-such-experiment", null, null, true);
        check(broken, "GET", "/mlflow/runs", null, null, false);
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aServerShuttingDownIsUnhealthyAndNotReady() {
        limited.app().drain();
        check(limited, "GET", "/health", null, null, false);
        check(limited, "GET", "/health/ready", null, null, false);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyDocumentedAnswerWasSeen() {
        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                operation.getValue().get("responses").fieldNames().forEachRemaining(status ->
                        documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + status));
            }
        }));
        Set<String> unseen = new TreeSet<>(documented);
        unseen.removeAll(seen);
        assertEquals(Set.of(), unseen, "documented answers no request of this test received");
        assertTrue(documented.containsAll(seen));
    }

    /** Sends the request and checks the answer against the document; returns its JSON body (or null). */
    private static JsonNode check(LiveServer server, String method, String path, String contentType, byte[] body, boolean withKey) {
        HttpResponse<byte[]> res = send(server, method, path, contentType, body, withKey);
        return record(res, method, path.replaceAll("\\?.*", ""));
    }

    private static JsonNode record(HttpResponse<byte[]> res, String method, String path) {
        String template = template(path);
        String operationPointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        String where = method + " " + path + " answered " + res.statusCode();
        JsonNode operation = document.at(operationPointer);
        assertFalse(operation.isMissingNode(), where + ": the document has no " + method + " " + template);
        String responsePointer = operationPointer + "/responses/" + res.statusCode();
        JsonNode response = document.at(responsePointer);
        assertFalse(response.isMissingNode(), where + ", a status the document does not list for it: "
                + new String(res.body(), StandardCharsets.UTF_8));
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = document.at(responsePointer);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            JsonNode spec = header.getValue().has("$ref") ? document.at(header.getValue().get("$ref").asText().substring(1)) : header.getValue();
            if (spec.path("required").asBoolean(false)) {
                assertTrue(res.headers().firstValue(header.getKey()).isPresent(), where + " without the required header " + header.getKey());
            }
        }
        String mediaType = res.headers().firstValue("Content-Type").map(t -> t.replaceAll(";.*", "").strip()).orElse("");
        JsonNode content = response.path("content");
        assertTrue(content.has(mediaType), where + " with Content-Type " + mediaType + "; the document lists " + content);
        seen.add(method + " " + template + " " + res.statusCode());
        if (!mediaType.equals("application/json")) {
            return null;
        }
        try {
            JsonNode json = Json.MAPPER.readTree(res.body());
            validate(json, "#" + responsePointer + "/content/application~1json/schema", where);
            return json;
        } catch (IOException e) {
            throw new AssertionError(where + " with a body that is not JSON", e);
        }
    }

    private static void validate(JsonNode json, String pointer, String where) {
        JsonSchema schema = schemas.getSchema(SchemaLocation.of(BASE + pointer));
        Set<ValidationMessage> problems = schema.validate(json);
        assertTrue(problems.isEmpty(), where + " does not match " + pointer + ": " + problems + "\n" + json);
    }

    /** The document's path template a concrete path matches, e.g. /task/{task_id} for /task/5f0c.... */
    private static String template(String path) {
        for (Iterator<String> it = document.get("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) {
                return template;
            }
        }
        return path;
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static HttpResponse<byte[]> send(LiveServer server, String method, String path, String contentType, byte[] body,
                                             boolean withKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (withKey) {
            request.header("Authorization", "Bearer " + KEY);
        }
        try {
            HttpResponse<byte[]> res = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertNotNull(res.body());
            return res;
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
