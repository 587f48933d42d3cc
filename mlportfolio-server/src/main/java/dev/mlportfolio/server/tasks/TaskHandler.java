package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs one kind of task from its payload. A route that submits a kind registers the handler for it
 * with {@link TaskManager#handle}, so any replica that claims the task can run it.
 */
@FunctionalInterface
public interface TaskHandler {
    /**
     * @param task    the task's record (its id and request id tag what the work logs)
     * @param payload what the route stored with the task
     * @return the result kept for {@code GET /task/{id}}
     */
    JsonNode run(TaskRecord task, TaskPayload payload) throws Exception;
}
