package dev.mlportfolio.server.tasks;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Task records in this JVM's memory: fast, and gone when the process ends. */
public final class InMemoryTaskStore implements TaskStore {
    private final Map<String, TaskRecord> records = new ConcurrentHashMap<>();

    @Override
    public void put(TaskRecord record) {
        records.put(record.taskId(), record);
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        return Optional.ofNullable(records.get(taskId));
    }

    @Override
    public void remove(String taskId) {
        records.remove(taskId);
    }

    @Override
    public int removeFinishedBefore(Instant cutoff) {
        int[] removed = {0};
        records.values().removeIf(r -> {
            boolean expired = r.status().finished() && r.finishedAt().isBefore(cutoff);
            removed[0] += expired ? 1 : 0;
            return expired;
        });
        return removed[0];
    }

    @Override
    public int size() {
        return records.size();
    }
}
