package dev.mlportfolio.server.tasks;

import dev.mlportfolio.server.health.ComponentHealth;
import dev.mlportfolio.server.health.HealthContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The task manager's part of {@code /health}: down once it stops taking work, or while its shared
 * queue (Redis) cannot be reached; degraded when the queue is nearly full. Redis being down leaves
 * the server degraded, not unhealthy: the synchronous routes still serve.
 */
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
        return !tasks.queue().shared() || !tasks.accepting();
    }

    @Override
    public ComponentHealth check() {
        int queued = tasks.queued();
        int capacity = tasks.settings().queueCapacity();
        Map<String, Object> details = new LinkedHashMap<>(tasks.queue().details());
        details.put("queued", queued);
        details.put("running", tasks.running());
        details.put("running_here", tasks.runningHere());
        details.put("claimed_here", tasks.claimedHere());
        details.put("taken_over_here", tasks.takenOverHere());
        details.put("workers", tasks.settings().workers());
        details.put("queue_capacity", capacity);
        if (!tasks.accepting()) {
            return ComponentHealth.down("shutting down: no new tasks are taken", details);
        }
        Optional<String> problem = tasks.queue().problem();
        if (problem.isPresent()) {
            return ComponentHealth.down(problem.get() + "; async routes answer 503 until it is back", details);
        }
        if (queued * 10 >= capacity * 9) {
            return new ComponentHealth(ComponentHealth.Status.DEGRADED, "the task queue is at least 90% full", details);
        }
        return ComponentHealth.up(details);
    }
}
