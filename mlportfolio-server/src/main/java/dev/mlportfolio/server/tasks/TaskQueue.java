package dev.mlportfolio.server.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where tasks wait and their records live: in this JVM ({@link InMemoryTaskQueue}) or shared by
 * every replica ({@link dev.mlportfolio.server.tasks.redis.RedisTaskQueue}). The {@link TaskManager}
 * runs the workers; a queue only stores, hands out and settles tasks.
 *
 * <p>Methods of a shared queue throw {@link TaskQueueUnavailableException} while its store cannot
 * be reached.
 */
public interface TaskQueue extends AutoCloseable {
    /**
     * A task one of this replica's workers took. Its record is already marked processing.
     *
     * @param attempt how many times a worker started it, this time included
     * @param token   what the queue needs to settle it (e.g. a stream entry id)
     */
    record Claim(TaskRecord record, TaskPayload payload, int attempt, Object token) {
    }

    /** Stores the record and queues the task, unless {@code capacity} tasks are waiting already; false then. */
    boolean offer(TaskRecord record, TaskPayload payload, int capacity);

    /** The next task for this replica, marked processing; empty when none came within {@code wait}. */
    Optional<Claim> claim(Duration wait) throws InterruptedException;

    /**
     * Settles a claimed task with its final record; false when the claim was superseded (another
     * replica took the task over and owns it now), in which case the record is not written.
     */
    boolean finish(Claim claim, TaskRecord done, Duration resultTtl);

    /** Puts a started task back in the queue for another worker (a draining replica that cannot finish it). */
    void handBack(Claim claim);

    Optional<TaskRecord> get(String taskId);

    /** Tasks waiting for a worker, as this queue sees them (every replica's, for a shared queue). */
    int queued();

    /** Tasks being run, as this queue sees them (every replica's, for a shared queue). */
    int running();

    /** Removes finished records older than {@code cutoff}; a store that expires records itself returns 0. */
    int removeFinishedBefore(Instant cutoff);

    /**
     * Whether other replicas take tasks from this queue. A draining replica with a shared queue stops
     * claiming at once and hands back what it cannot finish; with a local queue it runs the queue dry.
     */
    boolean shared();

    /** Local queues: takes out what no worker started, for shutdown to mark failed. Shared queues: nothing. */
    List<Claim> takeUnstarted();

    /** Why the queue cannot be used right now, if it cannot. */
    Optional<String> problem();

    /** Facts for {@code /health}. */
    Map<String, Object> details();

    @Override
    void close();
}
