package dev.mlportfolio.server.logging;

import java.util.logging.LogManager;

/**
 * A LogManager that keeps its handlers through JVM shutdown. The JDK's own shutdown hook resets
 * logging, racing the server's shutdown hook, so the lines saying how draining went would be lost.
 * {@link LogSetup#installShutdownSafeManager()} selects it before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
            return;
        }
        super.reset();
    }
}
