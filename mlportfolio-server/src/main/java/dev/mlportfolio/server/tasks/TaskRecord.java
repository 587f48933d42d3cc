package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the server knows about one task; also the body of {@code GET /task/{task_id}}.
 * Results are JSON trees so a shared store can hold them as they are.
 *
 * @param error a message for a person when the task failed, otherwise null
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
        Instant finishedAt) {

    static TaskRecord queued(String taskId, String kind, String requestId, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.QUEUED, null, null, requestId, now, null, null);
    }

    TaskRecord processing(Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.PROCESSING, null, null, requestId, createdAt, now, null);
    }

    TaskRecord completed(JsonNode value, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.COMPLETED, value, null, requestId, createdAt, startedAt, now);
    }

    TaskRecord failed(String message, Instant now) {
        return new TaskRecord(taskId, kind, TaskStatus.FAILED, null, message, requestId, createdAt, startedAt, now);
    }
}
