package dev.mlportfolio.server.tasks;

import dev.mlportfolio.server.health.ComponentHealth;
import dev.mlportfolio.server.health.HealthContributor;
import java.util.Map;

/** The task manager's part of {@code /health}: down once it stops taking work, degraded when its queue is nearly full. */
public final class TaskHealth implements HealthContributor {
    private final TaskManager tasks;

    public TaskHealth(TaskManager tasks) {
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "tasks";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public ComponentHealth check() {
        int queued = tasks.queued();
        int capacity = tasks.settings().queueCapacity();
        Map<String, Object> details = Map.of(
                "queued", queued,
                "running", tasks.running(),
                "workers", tasks.settings().workers(),
                "queue_capacity", capacity);
        if (!tasks.accepting()) {
            return ComponentHealth.down("shutting down: no new tasks are taken", details);
        }
        if (queued * 10 >= capacity * 9) {
            return new ComponentHealth(ComponentHealth.Status.DEGRADED, "the task queue is at least 90% full", details);
        }
        return ComponentHealth.up(details);
    }
}
