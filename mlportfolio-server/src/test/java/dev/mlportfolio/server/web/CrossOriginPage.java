package dev.mlportfolio.server.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A front end on another origin, as a portfolio site on its own domain would be: a page whose script
 * posts a question to the API (a JSON body and an X-Request-Id header, so the browser sends a
 * preflight first) and writes what it could read of the answer into the page.
 */
final class CrossOriginPage implements AutoCloseable {
    private static final String PAGE = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>cross-origin</title>
            <script src="cross.js" defer></script></head><body><p id="result">waiting</p></body></html>
            """;
    private static final String SCRIPT = """
            const api = new URLSearchParams(location.search).get("api");
            fetch(api + "/rag/query", {method: "POST",
                headers: {"Content-Type": "application/json", "X-Request-Id": "cross-origin-page-1"},
                body: JSON.stringify({query: "Where did you study?"})})
              .then(async (res) => {
                const body = await res.json();
                document.getElementById("result").textContent = "status=" + res.status
                    + " request-id=" + res.headers.get("X-Request-Id")
                    + " process-time=" + (res.headers.get("X-Process-Time") !== null)
                    + " found=" + body.found;
              })
              .catch((e) => { document.getElementById("result").textContent = "blocked: " + e.name; });
            """;
    private final HttpServer server;

    CrossOriginPage() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/cross.html", exchange -> send(exchange, "text/html", PAGE));
        server.createContext("/cross.js", exchange -> send(exchange, "text/javascript", SCRIPT));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
