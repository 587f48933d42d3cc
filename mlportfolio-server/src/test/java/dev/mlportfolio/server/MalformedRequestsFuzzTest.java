package dev.mlportfolio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.RawHttp.Exchange;
import dev.mlportfolio.server.RawHttp.Response;
import dev.mlportfolio.server.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A few thousand malformed requests, generated from a fixed seed, each on its own loopback
 * connection: broken request lines, headers, framing, JSON, multipart bodies and images, against
 * the real routes (the detector runs the generated test model). Every one must get at most one
 * answer, never a 5xx (a 505 for a version other than HTTP/1.1 is what HTTP asks), and no answer may
 * show a stack trace, a Java class name or a path of this machine. The server must be healthy after.
 */
class MalformedRequestsFuzzTest {
    private static final long SEED = 20261201L;
    private static final int REQUESTS = 3000;
    private static final Pattern LEAKS = Pattern.compile(
            "\\tat |Exception|\\b(java|javax|jdk|sun|io\\.helidon|com\\.fasterxml|org\\.apache|dev\\.mlportfolio)\\.[a-zA-Z]");
    private static final String[] PATHS = {"/", "/health", "/health/live", "/metrics", "/model/info", "/rag/info",
            "/rag/query", "/rag/query/stream", "/process-image", "/process-image/async", "/task/abc",
            "/task/00000000-0000-0000-0000-000000000000", "/nope", "/rag/query?top_k=x", "/process-image?threshold=abc",
            "/process-image?return_image=maybe&threshold=-1", "/%00", "/..%2f..%2fetc/passwd", "/rag/%ZZ", "//", "/a b"};
    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE",
            "CONNECT", "get", "G\u0000T", "BREW", "", "POST POST"};

    private static Application app;
    private static LiveServer live;
    private static int port;
    private static final String WORKING_DIR = Path.of("").toAbsolutePath().toString();

    private record Case(String name, byte[] bytes, boolean http11) {
    }

    @BeforeAll
    static void start() {
        app = Application.builder(TestSupport.settings("MODEL_PATH", System.getProperty("mlportfolio.testModel"),
                        "MAX_FILE_SIZE", Integer.toString(256 * 1024), "MAX_IMAGE_PIXELS", "4000000"))
                .rag(TestSupport.sampleRag())
                .build();
        live = LiveServer.start(app);
        port = live.port();
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void malformedRequestsGetOneClearAnswerAndTheServerStaysHealthy() throws Exception {
        Random random = new Random(SEED);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            cases.add(generate(random, i));
        }
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        int[] statusCounts = new int[6];
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (Case c : cases) {
                done.add(clients.submit(() -> {
                    try {
                        check(c, RawHttp.exchange(port, c.bytes(), 10_000, true, c.name().startsWith("HEAD") && c.http11() ? 1 : 0),
                                problems, statusCounts);
                    } catch (IOException e) {
                        problems.add(c.name() + ": " + e);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems, first ones:\n"
                + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        assertEquals(0, TestSupport.serverErrors(app), "no 5xx counted by the server itself");
        assertTrue(statusCounts[4] > REQUESTS / 2, "most of the requests were refused as bad: " + java.util.Arrays.toString(statusCounts));

        Exchange health = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000);
        assertEquals(200, health.only().status(), "healthy after");
        String query = "{\"query\": \"Where did the candidate study?\"}";
        Exchange answer = RawHttp.exchange(port, "POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + query.length() + "\r\n\r\n" + query, 10_000);
        assertEquals(200, answer.only().status(), answer.only().text());
    }

    private static void check(Case c, Exchange exchange, List<String> problems, int[] statusCounts) {
        if (exchange.responses().size() > 1 || exchange.rest().length > 0) {
            problems.add(c.name() + ": " + exchange.responses().size() + " answers and " + exchange.rest().length
                    + " stray bytes to one request");
            return;
        }
        if (exchange.responses().isEmpty() && exchange.closed() && indexOf(c.bytes(), (byte) '\n') < 0) {
            return; // the request line never ended before the client stopped sending: nothing to answer
        }
        if (exchange.responses().isEmpty()) {
            problems.add(c.name() + ": no answer" + (exchange.closed() ? " (connection closed)" : " (connection left open)"));
            return;
        }
        Response r = exchange.responses().getFirst();
        statusCounts[r.status() / 100]++;
        if (r.status() >= 500 && !(r.status() == 505 && !c.http11())) {
            problems.add(c.name() + ": " + r.status() + " " + r.text());
        }
        String body = r.text();
        if (LEAKS.matcher(body).find() || body.contains(WORKING_DIR)) {
            problems.add(c.name() + ": the answer shows internals: " + body);
        }
        if (r.status() >= 400 && r.body().length > 0) {
            try {
                JsonNode json = Json.MAPPER.readTree(r.body());
                if (json.path("success").asBoolean(true) || json.path("error").asText().isEmpty()) {
                    problems.add(c.name() + ": not the JSON error form: " + body);
                }
            } catch (IOException e) {
                problems.add(c.name() + ": " + r.status() + " answer is not JSON: " + body);
            }
        }
    }

    // ---- generation -------------------------------------------------------------------------

    private static Case generate(Random random, int i) {
        return switch (random.nextInt(8)) {
            case 0 -> requestLine(random, i);
            case 1 -> headers(random, i);
            case 2, 3 -> json(random, i);
            case 4, 5 -> upload(random, i);
            case 6 -> chunked(random, i);
            default -> soup(random, i);
        };
    }

    private static Case requestLine(Random random, int i) {
        String method = pick(random, METHODS);
        String path = random.nextInt(10) == 0 ? "/" + "x".repeat(random.nextInt(6000)) : pick(random, PATHS);
        String[] versions = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.1x", "", "HTTP/1.12"};
        String version = pick(random, versions);
        String line = method + " " + path + (version.isEmpty() ? "" : " " + version);
        return new Case(method + " request-line#" + i + " " + abbreviate(line), ascii(line + "\r\nHost: x\r\n\r\n"),
                version.equals("HTTP/1.1"));
    }

    private static Case headers(Random random, int i) {
        String body = "{\"query\": \"What does the candidate do?\"}";
        List<String> headers = new ArrayList<>(List.of("Host: x", "Content-Type: application/json",
                "Content-Length: " + body.length()));
        String[] broken = {"NoColonHere", " Leading: space", "Bad Name: v", "X-Ctl: a\u0001b", "X-Nul: a\u0000b",
                "Content-Length: -1", "Content-Length: abc", "Content-Length: 99999999999999999999", "Content-Length: 5, 7",
                "Transfer-Encoding: chunked", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, chunked",
                "Host: y", "Expect: 100-continue", "Expect: nonsense", "Content-Type: application/json; charset=\u00ff",
                "Content-Type: ;;;", "Content-Encoding: gzip", "Content-Encoding: br", "X-Folded: a\r\n continued",
                "Connection: close, upgrade", "Upgrade: h2c", "Upgrade: websocket", "X-Request-Id: " + "r".repeat(500),
                "X-Big: " + "b".repeat(random.nextInt(20_000)), ":", "Content-Length:"};
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
            String h = pick(random, broken);
            if (random.nextBoolean() && h.startsWith("Content-Length")) {
                headers.removeIf(x -> x.startsWith("Content-Length"));
            }
            headers.add(random.nextInt(headers.size() + 1), h);
        }
        String eol = random.nextInt(8) == 0 ? "\n" : "\r\n";
        String text = "POST /rag/query HTTP/1.1" + eol + String.join(eol, headers) + eol + eol + body;
        return new Case("headers#" + i + " " + abbreviate(String.join(" | ", headers)), ascii(text), true);
    }

    private static Case json(Random random, int i) {
        String[] bodies = {"", "{", "}", "[]", "null", "42", "\"text\"", "{\"query\": 1}", "{\"query\": null}",
                "{\"query\": \"\"}", "{\"query\": \"" + "q".repeat(1001) + "\"}", "{\"query\": \"ok\", \"top_k\": -3}",
                "{\"query\": \"ok\", \"top_k\": 1e400}", "{\"query\": \"ok\", \"top_k\": \"5\"}", "{\"query\": \"ok\", \"top_k\": 2.5}",
                "{\"query\": \"ok\", \"top_k\": 99999999999999999999999}", "{\"query\": \"ok\", \"include_metadata\": \"yes\"}",
                "{\"query\": \"ok\", \"stream\": 3}", "{\"query\": \"ok\"} trailing", "{\"query\": \"ok\",}", "{'query': 'ok'}",
                "{\"query\": \"\\ud800\"}", "{\"query\": \"a\\u0000b\"}", "{\"query\": [\"a\"]}", "{\"query\": {\"$ne\": 1}}",
                "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(1200) + "1" + "}".repeat(1200),
                "{\"query\": \"ok\", \"top_k\": " + "9".repeat(2000) + "}", "{\"query\": \"" + "\\\\".repeat(3000) + "\"}"};
        String body = pick(random, bodies);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(6) == 0) {
            bytes = mutate(random, bytes);
        }
        String[] types = {"application/json", "application/json", "application/json; charset=utf-8", "text/plain",
                "application/x-www-form-urlencoded", "application/problem+json", "json", ""};
        String type = pick(random, types);
        String path = random.nextInt(5) == 0 ? "/rag/query/stream" : "/rag/query";
        boolean truncate = random.nextInt(6) == 0 && bytes.length > 2;
        int declared = bytes.length;
        byte[] sent = truncate ? java.util.Arrays.copyOf(bytes, bytes.length / 2) : bytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + (type.isEmpty() ? "" : "Content-Type: " + type + "\r\n")
                + "Content-Length: " + declared + "\r\n\r\n"));
        out.writeBytes(sent);
        return new Case("json#" + i + (truncate ? " (cut short)" : "") + " " + type + " " + abbreviate(body), out.toByteArray(), true);
    }

    private static Case upload(Random random, int i) {
        byte[] png = TestSupport.image("png", 8, 8);
        byte[][] files = {png, new byte[0], ascii("not an image at all"), mutate(random, png.clone()),
                java.util.Arrays.copyOf(png, png.length / 2), hugePng(), TestSupport.image("gif", 4, 4),
                ascii("<svg xmlns='http://www.w3.org/2000/svg'/>"), new byte[300 * 1024], ascii("\u0089PNG\r\n\u001a\n")};
        byte[] file = files[random.nextInt(files.length)];
        String[] names = {"a.png", "", "a\u0000b.png", "x".repeat(600) + ".png", "../../etc/passwd", "<script>.png", "\u00e9t\u00e9.png"};
        String name = pick(random, names);
        String[] fields = {"file", "file", "image", "FILE", ""};
        String field = pick(random, fields);
        String query = pick(random, new String[] {"", "", "?threshold=abc", "?threshold=2", "?return_image=maybe", "?threshold=0.5"});
        String path = (random.nextBoolean() ? "/process-image" : "/process-image/async") + query;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String contentType;
        byte[] body;
        switch (random.nextInt(5)) {
            case 0 -> {
                contentType = "image/png";
                body = file;
            }
            case 1 -> {
                contentType = "multipart/form-data"; // no boundary
                body = TestSupport.Multipart.file(name, "image/png", file);
            }
            case 2 -> {
                contentType = "multipart/form-data; boundary=other-boundary";
                body = TestSupport.Multipart.file(name, "image/png", file);
            }
            default -> {
                contentType = TestSupport.Multipart.CONTENT_TYPE;
                body = new String(TestSupport.Multipart.file(name, "image/png", file), StandardCharsets.ISO_8859_1)
                        .replaceFirst("name=\"file\"", "name=\"" + field + "\"").getBytes(StandardCharsets.ISO_8859_1);
                if (random.nextInt(4) == 0) {
                    body = java.util.Arrays.copyOf(body, Math.max(1, body.length - 1 - random.nextInt(Math.max(1, body.length / 2))));
                }
            }
        }
        out.writeBytes(ascii("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\n\r\n"));
        out.writeBytes(body);
        return new Case("upload#" + i + " " + contentType + " " + abbreviate(name) + " (" + file.length + " bytes) " + path,
                out.toByteArray(), true);
    }

    private static Case chunked(Random random, int i) {
        String body = "{\"query\": \"What does the candidate do?\"}";
        String[] framings = {
            Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n",
            "ZZ\r\n" + body + "\r\n0\r\n\r\n",
            Integer.toHexString(body.length()) + ";ext=1\r\n" + body + "\r\n0\r\n\r\n",
            Integer.toHexString(body.length() + 10) + "\r\n" + body + "\r\n0\r\n\r\n",
            Integer.toHexString(body.length()) + "\r\n" + body + "\r\n",
            Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\nX-Trailer: t\r\n\r\n",
            Integer.toHexString(body.length()) + "\r\n" + body + "0\r\n\r\n",
            "-1\r\n" + body + "\r\n0\r\n\r\n",
            "7fffffff\r\n" + body,
            "\r\n" + body + "\r\n0\r\n\r\n",
        };
        String framing = pick(random, framings);
        String path = pick(random, new String[] {"/rag/query", "/process-image"});
        String type = path.equals("/rag/query") ? "application/json" : "image/png";
        String text = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n" + framing;
        return new Case("chunked#" + i + " " + path + " " + abbreviate(framing), ascii(text), true);
    }

    private static Case soup(Random random, int i) {
        byte[] bytes = new byte[1 + random.nextInt(400)];
        random.nextBytes(bytes);
        if (random.nextBoolean()) {
            byte[] prefix = ascii("POST /rag/query HTTP/1.1\r\n");
            byte[] joined = new byte[prefix.length + bytes.length];
            System.arraycopy(prefix, 0, joined, 0, prefix.length);
            System.arraycopy(bytes, 0, joined, prefix.length, bytes.length);
            bytes = joined;
        }
        return new Case("soup#" + i + " (" + bytes.length + " random bytes)", bytes, false);
    }

    // A PNG header that declares 60000 x 60000 pixels, with no pixel data behind it.
    private static byte[] hugePng() {
        byte[] png = TestSupport.image("png", 8, 8);
        byte[] copy = png.clone();
        java.nio.ByteBuffer.wrap(copy, 16, 8).putInt(60_000).putInt(60_000);
        return copy;
    }

    private static byte[] mutate(Random random, byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        int flips = 1 + random.nextInt(8);
        for (int k = 0; k < flips; k++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int k = 0; k < bytes.length; k++) {
            if (bytes[k] == b) {
                return k;
            }
        }
        return -1;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() > 90 ? printable.substring(0, 90) + "..." : printable;
    }
}
