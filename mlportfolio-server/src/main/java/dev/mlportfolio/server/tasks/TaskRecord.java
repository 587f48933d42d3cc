package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the server knows about one task; also the body of {@code GET /task/{task_id}}.
 * Results are JSON trees so a shared store can hold them as they are.
 *
 * @param error    a message for a person when the task failed, otherwise null
 * @param attempts how many times a worker started the task (more than 1 after a replica running it died)
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
        int attempts) {

    public TaskRecord {
        result = result == null || result.isNull() ? null : result; // as read back from a shared store's JSON
    }

    public static TaskRecord queued(String taskId, String kind, String requestId, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.QUEUED, null, null, requestId, now, null, null, 0);
    }

    public TaskRecord processing(Instant now, int attempt) {
        return new TaskRecord(taskId, kind, TaskStatus.PROCESSING, null, null, requestId, createdAt, now, null, attempt);
    }

    /** Back in the queue (a draining replica handed it back); the attempt it gave up does not count. */
    public TaskRecord requeued(int attemptsSoFar) {
        return new TaskRecord(taskId, kind, TaskStatus.QUEUED, null, null, requestId, createdAt, null, null, attemptsSoFar);
    }

    public TaskRecord completed(JsonNode value, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.COMPLETED, value, null, requestId, createdAt, startedAt, now, attempts);
    }

    public TaskRecord failed(String message, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.FAILED, null, message, requestId, createdAt, startedAt, now, attempts);
    }
}
