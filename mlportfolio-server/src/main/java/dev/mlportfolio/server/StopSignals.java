package dev.mlportfolio.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * Runs the server's graceful stop when SIGTERM or SIGINT arrives, before the JVM begins to shut
 * down, then exits with 128 + the signal's number (143 for SIGTERM), as the JVM would.
 *
 * <p>Why not only a shutdown hook: the JVM runs every shutdown hook at once, and ONNX Runtime's
 * Java binding registers one that releases its native environment. A stop that waits in a hook
 * for an inference or an index build still inside ONNX Runtime races that release, and the process
 * dies of SIGSEGV in libonnxruntime (seen when replicas were stopped during start-up;
 * microsoft/onnxruntime#31352 describes the same race). Handled here, the stop finishes while
 * nothing else is shutting down, and ONNX Runtime's hook then finds nothing in use. The hook stays
 * for other ways out (System.exit, or a JVM started with -Xrs, which leaves signals to the JVM).
 */
final class StopSignals {
    private static final Logger LOG = Logger.getLogger(StopSignals.class.getName());

    private StopSignals() {
    }

    /** Installs {@code stop} for SIGTERM, SIGINT and JVM shutdown; it runs once, whichever comes first. */
    static void install(Runnable stop) {
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable once = () -> {
            if (stopped.compareAndSet(false, true)) {
                stop.run();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                // A thread that is not a daemon: once the web server's threads end, it is what keeps the
                // JVM from starting its shutdown (and ONNX Runtime's hook) before the stop is done.
                Signal.handle(new Signal(name), signal -> Thread.ofPlatform().daemon(false).name("stop").start(() -> {
                    try {
                        once.run();
                    } finally {
                        System.exit(128 + signal.getNumber());   // even if the stop failed: the signal asked to end
                    }
                }));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.FINE, "SIG" + name + " is left to the JVM (" + e.getMessage() + "); stopping from a shutdown hook");
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "shutdown"));
    }
}
