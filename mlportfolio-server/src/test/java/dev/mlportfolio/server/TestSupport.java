package dev.mlportfolio.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.rag.LoadedRag;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers: settings for a test server, request bodies, and checks on the JSON error form. */
public final class TestSupport {
    private TestSupport() {
    }

    /** Settings as the server would read them from this environment, on a free port on localhost. */
    /** The server's "ready on" log line: group 1 its address, group 2 its port (it may have bound port 0). */
    public static final Pattern READY_LINE = Pattern.compile("ready on (http://[^:\\s]+:(\\d+))");

    public static ServerSettings settings(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        env.put("HOST", "localhost");
        env.put("PORT", "0");
        try {
            // Each test server its own MLflow spool: runs a test leaves there must not be replayed into another's MLflow.
            env.put("MLFLOW_SPOOL_DIR", Files.createTempDirectory("mlflow-spool").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ServerSettings.fromEnvironment(env);
    }

    /** The resume Q&A pipeline on the sample resume, extractive, with its index in a new temporary folder. */
    public static LoadedRag sampleRag() {
        Path resume = Path.of("../data/resume.md");
        try {
            Path work = Files.createTempDirectory("rag-test");
            ResumeQa qa = ResumeQa.builder().documents(List.of(DocumentLoader.load(resume))).workingDir(work).build();
            return LoadedRag.of(qa, resume, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An application whose RAG generates with a tiny random-weight Llama (chat template on) of the
     * given context window, loaded before it returns.
     */
    public static Application generativeApp(String name, long seed, int context, String... extraSettings) {
        try {
            Path dir = Files.createTempDirectory(name);
            Path model = dev.mlportfolio.core.testing.TinyLlama.write(dir.resolve("tiny-llama"), true, seed, context);
            List<String> values = new java.util.ArrayList<>(List.of("RAG_RESUME_PATH", "../data/resume.md",
                    "RAG_WORKING_DIR", dir.resolve("work").toString(), "RAG_MODEL_PATH", model.toString(),
                    "RAG_MAX_NEW_TOKENS", "16"));
            values.addAll(List.of(extraSettings));
            Application app = Application.create(settings(values.toArray(String[]::new)));
            if (app.rag().await(java.time.Duration.ofSeconds(60)) != LoadedRag.State.READY) {
                throw new IllegalStateException("RAG did not load: " + app.rag().problem());
            }
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpClientResponse res) {
        String body = res.as(String.class);
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Requests the application answered with a 5xx, from its own {@code http_requests_total}. */
    public static long serverErrors(Application app) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^http_requests_total\\{[^}]*status=\"5\\d\\d\"[^}]*} ([0-9.eE+]+)$")
                .matcher(new String(app.metrics().scrape(), StandardCharsets.UTF_8));
        long total = 0;
        while (m.find()) {
            total += (long) Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** Asserts the answer is the JSON error form with this status and code, and returns its body. */
    public static JsonNode assertError(HttpClientResponse res, Status status, String code) {
        assertEquals(status, res.status(), "status");
        assertTrue(res.headers().contentType().map(t -> t.mediaType().text().equals("application/json")).orElse(false),
                "error answers are JSON");
        JsonNode body = json(res);
        assertFalse(body.get("success").asBoolean(true), "success is false");
        assertEquals(code, body.get("error").asText(), "error code in " + body);
        assertFalse(body.get("message").asText().isBlank(), "a message says what to do");
        assertFalse(body.toString().contains("\tat "), "no stack trace in " + body);
        return body;
    }

    public static byte[] image(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / Math.max(1, width - 1)) << 16 | (y * 255 / Math.max(1, height - 1)) << 8);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A multipart/form-data body; parts are (field name, file name or null, content type or null, bytes). */
    public static final class Multipart {
        public static final String BOUNDARY = "----mlportfolio-test-boundary";
        public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Multipart part(String field, String fileName, String contentType, byte[] bytes) {
            StringBuilder head = new StringBuilder("--").append(BOUNDARY).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(field).append('"');
            if (fileName != null) {
                head.append("; filename=\"").append(fileName).append('"');
            }
            head.append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bytes);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public byte[] build() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        public static byte[] file(String fileName, String contentType, byte[] bytes) {
            return new Multipart().part("file", fileName, contentType, bytes).build();
        }
    }
}
