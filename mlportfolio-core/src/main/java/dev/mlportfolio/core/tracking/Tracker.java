package dev.mlportfolio.core.tracking;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where finished runs are handed over for logging. Callers never wait for the tracking server and
 * never fail because of it: {@link #log} only queues.
 */
public interface Tracker extends AutoCloseable {
    /**
     * Queues a run and returns at once; never throws because of the tracking server.
     *
     * @param run the finished run
     */
    void log(RunRecord run);

    /**
     * Registers a model in the background; completes when the registry has the version.
     *
     * @param model the model's name and file
     * @return completes with the version, or exceptionally when the server refused it
     */
    CompletableFuture<RegisteredModelVersion> register(ModelRegistration model);

    /**
     * What the tracker has done and how it is doing.
     *
     * @return the status now
     */
    TrackerStatus status();

    /**
     * Waits until everything queued so far is written.
     *
     * @param timeout how long to wait at most
     * @return false when the timeout passed first
     */
    boolean flush(Duration timeout);

    /**
     * Stops taking runs and writes what is queued within the grace period; what is left after it is
     * counted as dropped.
     *
     * @param grace how long to keep writing
     * @return true when nothing was left
     */
    boolean close(Duration grace);

    /** Closes with five seconds' grace. */
    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }
}
