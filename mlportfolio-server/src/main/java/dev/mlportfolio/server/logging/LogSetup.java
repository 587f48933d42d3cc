package dev.mlportfolio.server.logging;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** Points java.util.logging (which Helidon's System.Logger uses) at standard output in the chosen format. */
public final class LogSetup {
    /** The logger of the access log: one line per request. */
    public static final String ACCESS_LOGGER = "mlportfolio.access";
    // Held so its level is not lost when the logger is garbage collected. Not created in a static
    // initialiser: that would start java.util.logging before installShutdownSafeManager() runs.
    private static Logger mlflowClient;

    private LogSetup() {
    }

    /**
     * Selects {@link ShutdownSafeLogManager} unless the user picked a manager. Must run before
     * anything touches java.util.logging, and must not touch it itself: initialising any LogManager
     * subclass here would initialise LogManager first, with the default manager.
     */
    public static void installShutdownSafeManager() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "dev.mlportfolio.server.logging.ShutdownSafeLogManager");
        }
    }

    public static void configure(boolean json, Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(new StdoutHandler(System.out, json ? new JsonLogFormatter() : new TextLogFormatter(), level));
        // The MLflow Java client retries every 4xx three times and logs each retry as "Rate limit exceeded",
        // even for a bad search filter. The tracker reports real failures itself, so only errors are kept.
        mlflowClient = Logger.getLogger("org.mlflow.tracking.MlflowHttpCaller");
        mlflowClient.setLevel(Level.SEVERE);
    }

    /** A handler that flushes every record, so lines are not held back in a buffer. */
    private static final class StdoutHandler extends StreamHandler {
        StdoutHandler(PrintStream out, Formatter formatter, Level level) {
            super(out, formatter);
            setLevel(level);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close() {
            flush();
        }
    }
}
