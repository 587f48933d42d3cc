package dev.mlportfolio.server.connection;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cuts off a client that takes longer than {@code HTTP_HEADER_TIMEOUT} to send a request's headers
 * after its request line (the slowloris attack: many connections, each trickling a header now and
 * then, so the server holds them all open).
 *
 * <p>Written here because Helidon 4.5.0 has no such limit: its socket read timeout is not applied
 * to accepted connections, and its idle-connection check (used for {@code HTTP_IDLE_TIMEOUT}) only
 * interrupts a connection while it waits for a request line, not while it reads headers. Helidon
 * reports each request line and each finished header section to a receive listener on the
 * connection's own virtual thread; between the two this class holds a deadline, and a sweeper
 * interrupts the thread once the deadline passes. Interrupting a virtual thread blocked in a socket
 * read closes the socket (JEP 444), which ends the connection. A slow request line is left to the
 * idle timeout, which does interrupt there.
 */
public final class HeaderTimeout implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeaderTimeout.class.getName());

    private final long timeoutNanos;
    private final Map<ConnectionContext, Watch> reading = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final Counter cut;

    private record Watch(Thread thread, long deadlineNanos) {
    }

    public HeaderTimeout(Duration timeout, PrometheusRegistry registry) {
        this.timeoutNanos = timeout.toNanos();
        this.cut = Counter.builder()
                .name("http_connections_cut_total")
                .help("Connections the server closed because the client was too slow, by reason")
                .labelNames("reason")
                .register(registry);
        cut.initLabelValues("header_timeout");
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "header-timeout");
            t.setDaemon(true);
            return t;
        });
        long period = Math.clamp(timeout.toMillis() / 10, 20, 1000);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** The listener to add to the HTTP/1 protocol's receive listeners. */
    public Http1ConnectionListener listener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                reading.put(ctx, new Watch(Thread.currentThread(), System.nanoTime() + timeoutNanos));
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                reading.remove(ctx);
            }
        };
    }

    /** Connections reading headers right now. */
    public int reading() {
        return reading.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        reading.forEach((ctx, watch) -> {
            if (!watch.thread().isAlive()) {
                reading.remove(ctx, watch); // closed while reading headers
            } else if (now - watch.deadlineNanos() > 0 && reading.remove(ctx, watch)) {
                cut.labelValues("header_timeout").inc();
                LOG.log(Level.FINE, () -> "closing a connection from " + ctx.remotePeer().address()
                        + ": its headers took longer than " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
                watch.thread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
