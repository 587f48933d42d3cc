package dev.mlportfolio.server.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags a reported failure carries: where it happened and the ids that find it in the logs.
 * Names and ids only; what a client sent (bodies, pictures, questions, file names) is never a tag.
 */
public final class ErrorTags {
    public static final String SOURCE = "source";

    private ErrorTags() {
    }

    /** A request answered 500: its id, method and route template (never the raw path, which a client chose). */
    public static Map<String, String> request(String requestId, String method, String route) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(SOURCE, "request");
        tags.put("request_id", requestId);
        tags.put("method", method);
        tags.put("route", route);
        return tags;
    }

    /** A task that failed: its kind, its id and the id of the request that submitted it. */
    public static Map<String, String> task(String kind, String taskId, String requestId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(SOURCE, "task");
        tags.put("task_kind", kind);
        tags.put("task_id", taskId);
        tags.put("request_id", requestId);
        return tags;
    }

    /** A model that did not load: {@code cutler}, {@code rag} or {@code jlama}. */
    public static Map<String, String> model(String component) {
        return Map.of(SOURCE, "model", "component", component);
    }
}
