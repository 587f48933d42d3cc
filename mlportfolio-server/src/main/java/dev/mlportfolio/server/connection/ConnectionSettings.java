package dev.mlportfolio.server.connection;

import java.time.Duration;

/**
 * What a connection may cost the server: the {@code HTTP_*} settings.
 *
 * @param headerTimeout  time from the first byte of a request to the end of its headers
 *                       ({@code HTTP_HEADER_TIMEOUT}); a client that takes longer is cut off
 * @param idleTimeout    time a keep-alive connection may wait for its next request ({@code HTTP_IDLE_TIMEOUT})
 * @param maxConnections connections served at once; more wait in the listen backlog ({@code HTTP_MAX_CONNECTIONS})
 * @param maxHeaderSize  bytes the header section of a request may take; more answers 431 ({@code HTTP_MAX_HEADER_SIZE})
 */
public record ConnectionSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections, int maxHeaderSize) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

    public static ConnectionSettings defaults() {
        return new ConnectionSettings(DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_HEADER_SIZE);
    }
}
