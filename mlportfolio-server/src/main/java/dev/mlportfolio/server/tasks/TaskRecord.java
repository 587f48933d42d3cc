package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the server knows about one task; also the body of {@code GET /task/{task_id}}.
 * Results are JSON trees so a shared store can hold them as they are.
 *
 * @param error    a message for a person when the task failed, otherwise null
 * @param attempts how many times a worker started the task (more than 1 after a replica running it died)
 * @param owner    the name of the API key that submitted it, which alone may read it; null when
 *                 keys are not in use (then anyone who knows the id may)
 */
public record TaskRecord(
        String taskId,
        String kind,
        TaskStatus status,
        JsonNode result,
        String error,
        String requestId,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) String owner) {

    public TaskRecord {
        result = result == null || result.isNull() ? null : result; // as read back from a shared store's JSON
    }

    public static TaskRecord queued(String taskId, String kind, String requestId, Instant now) {
        return queued(taskId, kind, requestId, null, now);
    }

    public static TaskRecord queued(String taskId, String kind, String requestId, String owner, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.QUEUED, null, null, requestId, now, null, null, 0, owner);
    }

    public TaskRecord processing(Instant now, int attempt) {
        return new TaskRecord(taskId, kind, TaskStatus.PROCESSING, null, null, requestId, createdAt, now, null, attempt, owner);
    }

    /** Back in the queue (a draining replica handed it back); the attempt it gave up does not count. */
    public TaskRecord requeued(int attemptsSoFar) {
        return new TaskRecord(taskId, kind, TaskStatus.QUEUED, null, null, requestId, createdAt, null, null, attemptsSoFar, owner);
    }

    public TaskRecord completed(JsonNode value, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.COMPLETED, value, null, requestId, createdAt, startedAt, now, attempts, owner);
    }

    public TaskRecord failed(String message, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.FAILED, null, message, requestId, createdAt, startedAt, now, attempts, owner);
    }

    /** Whether {@code keyName} (the caller's key, if any) may read this task. */
    public boolean visibleTo(java.util.Optional<String> keyName) {
        return owner == null || keyName.filter(owner::equals).isPresent();
    }
}
