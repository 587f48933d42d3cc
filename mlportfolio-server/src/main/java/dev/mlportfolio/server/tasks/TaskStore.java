package dev.mlportfolio.server.tasks;

import java.time.Instant;
import java.util.Optional;

/**
 * Where task records live. The in-memory store serves one replica; a shared store (Redis, a
 * database) implementing this lets several replicas answer {@code GET /task/{id}} for each other.
 */
public interface TaskStore {
    /** Inserts or replaces the record with the same task id. */
    void put(TaskRecord record);

    Optional<TaskRecord> get(String taskId);

    void remove(String taskId);

    /** Removes finished tasks that finished before {@code cutoff}; returns how many went. */
    int removeFinishedBefore(Instant cutoff);

    /** How many records the store holds. */
    int size();
}
