package dev.mlportfolio.server.tasks;

import dev.mlportfolio.server.access.Caller;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.http.RequestId;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET /task/{task_id}}, and the HTTP side of submitting a task (202, 429, 503). */
public final class TaskService {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The body of a 202 answer. */
    public record Accepted(String taskId, String status, String message) {
    }

    private final TaskManager tasks;

    public TaskService(TaskManager tasks) {
        this.tasks = tasks;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/task/{task_id}", this::status);
    }

    /** Registers what runs tasks of {@code kind} (on whichever replica claims them). */
    public void handle(String kind, TaskHandler handler) {
        tasks.handle(kind, handler);
    }

    /** Queues a task and answers 202 with its id and a {@code Location}; 429 or 503 when it is not taken. */
    public void submit(ServerRequest req, ServerResponse res, String kind, String message, TaskPayload payload) {
        TaskRecord record;
        try {
            record = tasks.submit(kind, RequestId.of(req), Caller.of(req).keyName().orElse(null), payload);
        } catch (TaskQueueUnavailableException e) {
            throw unavailable();
        } catch (TaskRejectedException e) {
            if (e.reason() == TaskRejectedException.Reason.QUEUE_FULL) {
                throw new ApiException(Status.TOO_MANY_REQUESTS_429, "queue_full",
                        e.getMessage() + "; retry after " + e.retryAfterSeconds() + " s",
                        Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
            }
            throw ApiException.unavailable("shutting_down", e.getMessage() + "; retry against another replica");
        }
        res.header(HeaderNames.LOCATION, "/task/" + record.taskId());
        Json.send(res, Status.ACCEPTED_202, new Accepted(record.taskId(), record.status().id(), message));
    }

    private void status(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("task_id");
        if (!TASK_ID.matcher(id).matches()) {
            throw ApiException.notFound("task_not_found", "'" + abbreviate(id) + "' is not a task id; task ids are UUIDs");
        }
        Optional<TaskRecord> found;
        try {
            found = tasks.get(id);
        } catch (TaskQueueUnavailableException e) {
            throw unavailable();
        }
        // Another key's task answers exactly as a task that does not exist, so ids cannot be probed.
        TaskRecord record = found.filter(r -> r.visibleTo(Caller.of(req).keyName())).orElseThrow(() -> ApiException.notFound("task_not_found",
                "no task " + id + ": it never existed or its result expired after "
                        + tasks.settings().resultTtl().toSeconds() + " s"));
        Json.send(res, Status.OK_200, record);
    }

    /** The cause stays in the log and {@code /health}: it names the Redis host, which clients need not see. */
    private static ApiException unavailable() {
        return new ApiException(Status.SERVICE_UNAVAILABLE_503, "tasks_unavailable",
                "the task queue cannot be reached; synchronous routes still work, retry async ones shortly",
                Map.of("Retry-After", "5"));
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
