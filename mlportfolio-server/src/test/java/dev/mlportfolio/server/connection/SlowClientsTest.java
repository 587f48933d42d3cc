package dev.mlportfolio.server.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.RawHttp;
import dev.mlportfolio.server.TestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris on loopback: hundreds of connections that trickle their request one byte at a time are
 * cut off by the header timeout (slow headers) or the idle timeout (slow request line), while a
 * normal client keeps being answered quickly.
 */
class SlowClientsTest {
    private static final int HEADER_TIMEOUT_S = 2;
    private static final int IDLE_TIMEOUT_S = 3;
    private static Application app;
    private static LiveServer live;
    private static int port;

    @BeforeAll
    static void start() {
        app = Application.create(TestSupport.settings("HTTP_HEADER_TIMEOUT", Integer.toString(HEADER_TIMEOUT_S),
                "HTTP_IDLE_TIMEOUT", Integer.toString(IDLE_TIMEOUT_S)));
        live = LiveServer.start(app);
        port = live.port();
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void fiveHundredSlowHeaderConnectionsAreCutWhileNormalClientsAreServed() throws Exception {
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean attacking = new AtomicBoolean(true);
        List<String> normalFailures = new ArrayList<>();
        Thread normal = Thread.ofPlatform().start(() -> {
            while (attacking.get()) {
                long start = System.nanoTime();
                try {
                    int status = RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000)
                            .only().status();
                    if (status != 200) {
                        normalFailures.add("status " + status);
                    }
                } catch (IOException | AssertionError e) {
                    normalFailures.add(e.toString());
                }
                synchronized (latencies) {
                    latencies.add(System.nanoTime() - start);
                }
                sleepQuietly(10);
            }
        });

        long cutAfter = trickle(500, "GET /health HTTP/1.1\r\nHost: x\r\n", "X-Slow: one-byte-at-a-time");
        attacking.set(false);
        normal.join();

        assertTrue(cutAfter <= (HEADER_TIMEOUT_S + 3) * 1000L, "every slow connection was cut within the header timeout"
                + " and a margin, the last after " + cutAfter + " ms");
        assertTrue(normalFailures.isEmpty(), "normal requests failed: " + normalFailures);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        assertTrue(sorted.length >= 20, "the normal client got through " + sorted.length + " requests");
        long p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1_000_000;
        assertTrue(p99 < 100, "normal clients' p99 stays under 100 ms: " + p99 + " ms over " + sorted.length + " requests");
        String metrics = new String(app.metrics().scrape(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("http_connections_cut_total{reason=\"header_timeout\"} 500.0"), metrics.lines()
                .filter(l -> l.contains("connections_cut")).toList().toString());
    }

    @Test
    void aSlowRequestLineIsCutByTheIdleTimeout() throws Exception {
        long cutAfter = trickle(50, "GET /hea", "lth-and-more-and-more");
        assertTrue(cutAfter <= (IDLE_TIMEOUT_S + 3) * 1000L, "the last one after " + cutAfter + " ms");
        assertEquals(200, RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000)
                .only().status());
    }

    /**
     * Opens {@code count} connections that send {@code start} and then one byte of {@code drip} every
     * 200 ms, and returns the milliseconds until the server had closed every one of them (or fails
     * after 20 s).
     */
    private static long trickle(int count, String start, String drip) throws IOException {
        Socket[] sockets = new Socket[count];
        long begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sockets[i] = new Socket("localhost", port);
            sockets[i].setSoTimeout(1);
            sockets[i].getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        }
        boolean[] closed = new boolean[count];
        byte[] bytes = drip.repeat(100).getBytes(StandardCharsets.US_ASCII);
        try {
            for (int tick = 0; System.nanoTime() - begin < 20_000_000_000L; tick++) {
                for (int i = 0; i < count; i++) {
                    if (!closed[i]) {
                        closed[i] = closedByServer(sockets[i], bytes[tick % bytes.length]);
                    }
                }
                boolean all = true;
                for (boolean c : closed) {
                    all &= c;
                }
                if (all) {
                    return (System.nanoTime() - begin) / 1_000_000;
                }
                sleepQuietly(200);
            }
            long open = java.util.stream.IntStream.range(0, count).filter(i -> !closed[i]).count();
            throw new AssertionError(open + " of " + count + " slow connections were still open after 20 s: "
                    + Arrays.toString(Arrays.copyOf(closed, Math.min(10, count))));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static boolean closedByServer(Socket socket, byte next) {
        try {
            InputStream in = socket.getInputStream();
            try {
                if (in.read() == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // nothing to read: still open
            }
            OutputStream out = socket.getOutputStream();
            out.write(next);
            out.flush();
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
