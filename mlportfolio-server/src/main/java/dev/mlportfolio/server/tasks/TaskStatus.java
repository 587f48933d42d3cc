package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A task's life: queued, then processing, then completed or failed. */
public enum TaskStatus {
    QUEUED,
    PROCESSING,
    COMPLETED,
    FAILED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
