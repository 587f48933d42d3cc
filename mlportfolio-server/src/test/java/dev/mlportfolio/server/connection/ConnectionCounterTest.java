package dev.mlportfolio.server.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.RawHttp;
import dev.mlportfolio.server.TestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code active_connections} on a real listener: keep-alive connections count while open and stop counting when closed. */
class ConnectionCounterTest {
    private static final Pattern GAUGE = Pattern.compile("(?m)^active_connections (\\S+)$");
    private static LiveServer live;

    @BeforeAll
    static void start() {
        live = LiveServer.start(Application.create(TestSupport.settings()));
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void keepAliveConnectionsCountUntilTheyClose() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket("localhost", live.port());
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                readAnswer(socket.getInputStream());       // answered; the connection stays open
                clients.add(socket);
            }
            // The three idle connections and the scraping one.
            assertEquals(4, scrapedOpenConnections());

            clients.removeFirst().close();
            clients.removeFirst().close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int open;
            while ((open = scrapedOpenConnections()) != 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, open, "the closed connections stopped counting");
        } finally {
            for (Socket socket : clients) {
                socket.close();
            }
        }
    }

    /** The gauge as scraped on a connection that closes after the answer. */
    private static int scrapedOpenConnections() throws IOException {
        String metrics = RawHttp.exchange(live.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000)
                .only().text();
        Matcher m = GAUGE.matcher(metrics);
        assertTrue(m.find(), "active_connections is exported");
        return (int) Double.parseDouble(m.group(1));
    }

    /** Reads one answer whose body is JSON ending in a closing brace (health/live's). */
    private static void readAnswer(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            text.append((char) b);
            int body = text.indexOf("\r\n\r\n");
            if (body >= 0 && text.charAt(text.length() - 1) == '}') {
                return;
            }
        }
        throw new IOException("closed before an answer: " + text);
    }
}
