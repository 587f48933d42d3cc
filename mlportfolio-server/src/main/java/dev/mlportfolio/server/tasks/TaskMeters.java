package dev.mlportfolio.server.tasks;

import dev.mlportfolio.server.metrics.ServerMetrics;
import java.time.Duration;

/**
 * The task meters: counts of what this replica's manager does, and gauges of the queue. With Redis
 * the depth and running gauges are the cluster's (every replica reports the same value; take
 * {@code max} across instances, not {@code sum}); {@code tasks_running_here} is this replica's.
 */
public final class TaskMeters implements TaskManager.Listener {
    private final ServerMetrics metrics;

    public TaskMeters(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public static void gauges(ServerMetrics metrics, TaskManager tasks) {
        metrics.gauge("task_queue_depth", "Async tasks waiting for a worker (on every replica, with Redis)", tasks::queued);
        metrics.gauge("tasks_running", "Async tasks running now (on every replica, with Redis)", tasks::running);
        metrics.gauge("tasks_running_here", "Async tasks running now on this replica", tasks::runningHere);
        metrics.gauge("task_queue_up", "1 while the task queue can be used (Redis reachable), else 0",
                () -> tasks.queue().problem().isPresent() ? 0 : 1);
    }

    @Override
    public void submitted(String kind, String outcome) {
        metrics.taskSubmitted(kind, outcome);
    }

    @Override
    public void finished(String kind, TaskStatus status, Duration runTime) {
        metrics.taskFinished(kind, status.id(), runTime.toNanos() / 1e9);
    }

    @Override
    public void claimed(String kind, int attempt) {
        metrics.taskClaimed(kind, attempt > 1);
    }

    @Override
    public void handedBack(String kind) {
        metrics.taskHandedBack(kind);
    }
}
