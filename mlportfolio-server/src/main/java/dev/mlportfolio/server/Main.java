package dev.mlportfolio.server;

import dev.mlportfolio.core.Version;
import dev.mlportfolio.server.logging.LogSetup;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts the server from environment variables; see README.md for the variables. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogSetup.installShutdownSafeManager();
        int exit = run(System.getenv());
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Starts the server and returns 0, or returns the exit code after printing one line to stderr. */
    static int run(Map<String, String> env) {
        ServerSettings settings;
        try {
            settings = ServerSettings.fromEnvironment(env);
        } catch (InvalidSettingsException e) {
            System.err.println("mlportfolio: invalid configuration: " + e.getMessage());
            return 2;
        }
        LogSetup.configure(settings.jsonLogs(), settings.logLevel());
        Logger log = Logger.getLogger(Main.class.getName());

        Optional<String> bindProblem = bindProblem(settings.host(), settings.port());
        if (bindProblem.isPresent()) {
            System.err.println("mlportfolio: cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + bindProblem.get() + " (set PORT or HOST)");
            return 1;
        }
        Application app = Application.create(settings);
        WebServer server = WebServer.builder().update(app::configure).shutdownHook(false).build();
        try {
            server.start();
        } catch (RuntimeException e) {
            log.log(Level.FINE, "start failed", e);
        }
        if (!server.isRunning()) {
            app.close();
            System.err.println("mlportfolio: cannot listen on " + settings.host() + ":" + settings.port()
                    + " (see the log above)");
            return 1;
        }
        StopSignals.install(() -> {
            log.info("shutting down: draining tasks for up to " + settings.shutdownGracePeriod().toSeconds() + " s");
            boolean drained = app.drain();
            server.stop();
            app.close();
            log.info("stopped" + (drained ? "" : " (some tasks did not finish in time)"));
        });

        long readyMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        log.info("mlportfolio " + Version.current() + " ready on http://" + settings.host() + ":" + server.port()
                + " in " + readyMs + " ms (environment=" + settings.environment() + ", task workers="
                + settings.tasks().workers() + ", queue=" + settings.tasks().queueSize() + ", tasks "
                + (settings.tasks().redisUrl().isPresent() ? "shared through " + app.tasks().queue().details().get("redis")
                        : "in memory") + ")");
        log.info("access: " + app.access().describe());
        return 0;
    }

    /**
     * Tries the address before Helidon does, so the common mistakes (port taken, unknown host) end
     * in one line instead of Helidon's logged stack trace.
     */
    private static Optional<String> bindProblem(String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("unknown host");
        } catch (IOException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
