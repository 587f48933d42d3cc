package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;

/** The body of a task: runs once on a worker and returns the result kept for {@code GET /task/{id}}. */
@FunctionalInterface
public interface TaskWork {
    JsonNode run() throws Exception;
}
