package dev.mlportfolio.server;

import io.helidon.webserver.WebServer;

/**
 * An application's server started the way {@link Main} starts it, for tests of the listener's own
 * settings (protocols, timeouts, limits). They do not use {@code @ServerTest}: Helidon's test
 * extension copies the listener configuration into itself, which doubles the HTTP/1 protocol the
 * application sets up.
 */
public record LiveServer(Application app, WebServer server) implements AutoCloseable {
    public static LiveServer start(Application app) {
        return new LiveServer(app, WebServer.builder().update(app::configure).shutdownHook(false).build().start());
    }

    public int port() {
        return server.port();
    }

    /** Closes each server that was started; nulls are the ones a failed set-up never reached. */
    public static void closeAll(LiveServer... servers) {
        for (LiveServer server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Stops the server, then the application (tasks, tracking, models). */
    @Override
    public void close() {
        server.stop();
        app.close();
    }
}
