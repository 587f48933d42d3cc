package dev.mlportfolio.server.connection;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections the server is serving, as they open and close, for the
 * {@code active_connections} gauge. Helidon does not expose its connection list; it does let the
 * server choose the selector that turns a socket into a protocol connection, and such a connection's
 * {@code handle} runs for as long as the connection lives, so wrapping the selector counts exactly
 * the connections being served, idle keep-alive ones included. (The gauge used to read the kernel's
 * socket table at every scrape: 20 to 50 ms per scrape, as the kernel walks its whole hash table.)
 *
 * <p>A connection counts from its first bytes, when Helidon knows its protocol; one that was
 * accepted but has sent nothing yet does not count. The idle timeout closes those.
 */
public final class ConnectionCounter {
    private final AtomicInteger open = new AtomicInteger();

    /** Connections being served right now. */
    public int open() {
        return open.get();
    }

    /** {@code selector}, with each connection it makes counted while it is handled. */
    public ServerConnectionSelector counting(ServerConnectionSelector selector) {
        return new CountingSelector(selector);
    }

    private final class CountingSelector implements ServerConnectionSelector {
        private final ServerConnectionSelector delegate;

        CountingSelector(ServerConnectionSelector delegate) {
            this.delegate = delegate;
        }

        @Override
        public int bytesToIdentifyConnection() {
            return delegate.bytesToIdentifyConnection();
        }

        @Override
        public Support supports(BufferData data) {
            return delegate.supports(data);
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return delegate.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext context) {
            return new CountedConnection(delegate.connection(context));
        }
    }

    private interface Handling {
        void run() throws InterruptedException;
    }

    private final class CountedConnection implements ServerConnection {
        private final ServerConnection delegate;

        CountedConnection(ServerConnection delegate) {
            this.delegate = delegate;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            counted(() -> delegate.handle(limit));
        }

        @Override
        @SuppressWarnings("deprecation")   // deprecated in Helidon 4.5; forwarded too, whichever Helidon calls
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            counted(() -> delegate.handle(requestSemaphore));
        }

        /** The connection counts for as long as Helidon handles it. */
        private void counted(Handling handling) throws InterruptedException {
            open.incrementAndGet();
            try {
                handling.run();
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }
    }
}
