package dev.mlportfolio.server.errors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mlportfolio.server.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * Not a Sentry: a local HTTP endpoint of the tests that accepts what the Sentry SDK's own transport
 * posts to {@code /api/<project>/envelope/} and keeps it, so a test can read the events the server
 * sent. No Sentry server runs on the project's machines; this checks what leaves the process, not
 * what Sentry would make of it.
 */
final class SentryStandIn implements AutoCloseable {
    private final HttpServer server;
    private final List<String> envelopes = new CopyOnWriteArrayList<>();

    SentryStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = unzipped.readAllBytes();
                }
            }
            if (exchange.getRequestURI().getPath().endsWith("/envelope/")) {
                envelopes.add(new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** A DSN that points the SDK here, project 42. */
    String dsn() {
        return "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/42";
    }

    /** Every envelope received, as sent (after gzip). */
    List<String> envelopes() {
        return List.copyOf(envelopes);
    }

    /** The event payloads of every envelope so far. */
    List<JsonNode> events() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String envelope : envelopes) {
            String[] lines = envelope.split("\n");
            for (int i = 1; i + 1 < lines.length; i += 2) {
                if (Json.MAPPER.readTree(lines[i]).path("type").asText().equals("event")) {
                    events.add(Json.MAPPER.readTree(lines[i + 1]));
                }
            }
        }
        return events;
    }

    /** Waits until an event whose tag {@code source} has this value arrived, and returns it. */
    JsonNode awaitEvent(String source, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode event : events()) {
                if (source.equals(event.path("tags").path(ErrorTags.SOURCE).asText())) {
                    return event;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no event with source=" + source + " within " + timeout + "; got " + envelopes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
