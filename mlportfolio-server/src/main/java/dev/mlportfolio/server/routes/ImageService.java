package dev.mlportfolio.server.routes;

import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.server.access.RateGroup;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.server.ComputeExecutor;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.http.RequestId;
import dev.mlportfolio.server.tasks.TaskPayload;
import dev.mlportfolio.server.tasks.TaskRecord;
import dev.mlportfolio.server.tasks.TaskService;
import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.upload.ImageUpload;
import dev.mlportfolio.server.upload.ImageUploadReader;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /process-image} and {@code POST /process-image/async}. The upload is checked first
 * (size, type, format), so a bad upload gets its 4xx even when no detector is loaded.
 */
public final class ImageService {
    static final String TASK_KIND = "process_image";

    private final ImageUploadReader uploads;
    private final Optional<ImageAnalyzer> analyzer;
    private final String unavailableMessage;
    private final TaskService tasks;
    private final ComputeExecutor compute;

    public ImageService(ImageUploadReader uploads, Optional<ImageAnalyzer> analyzer, String unavailableMessage,
                        TaskService tasks, ComputeExecutor compute) {
        this.uploads = uploads;
        this.analyzer = analyzer;
        this.unavailableMessage = unavailableMessage;
        this.tasks = tasks;
        this.compute = compute;
    }

    public void routes(ApiRoutes routes) {
        routes.post("/process-image", Access.limited(RateGroup.IMAGES), this::processNow)
                .post("/process-image/async", Access.limited(RateGroup.IMAGES), this::processLater);
        tasks.handle(TASK_KIND, this::runTask);
    }

    private void processNow(ServerRequest req, ServerResponse res) throws Exception {
        ImageAnalyzer.Work work = prepare(req);
        RunContext context = RunContext.sync(RequestId.of(req));
        Json.send(res, Status.OK_200, compute.call(() -> work.run(context)));
    }

    /**
     * Checks the upload and options now (a bad one answers 4xx at once), then queues the upload's
     * bytes and options as the task's payload: the replica that claims it checks them again and runs.
     */
    private void processLater(ServerRequest req, ServerResponse res) {
        ImageUpload upload = uploads.read(req);
        Map<String, String> query = firstValues(req);
        active().prepare(upload, query);
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("format", upload.format().name());
        params.put("declared_type", upload.declaredType());
        params.put("file_name", upload.fileName());
        params.set("query", Json.MAPPER.valueToTree(query));
        tasks.submit(req, res, TASK_KIND, "image processing queued; poll the Location for the result",
                new TaskPayload(params, upload.bytes()));
    }

    private JsonNode runTask(TaskRecord task, TaskPayload payload) throws Exception {
        JsonNode params = payload.params();
        ImageUpload upload = new ImageUpload(payload.data(), ImageFormat.valueOf(params.path("format").asText()),
                text(params, "declared_type"), text(params, "file_name"));
        Map<String, String> query = new LinkedHashMap<>();
        params.path("query").properties().forEach(e -> query.put(e.getKey(), e.getValue().asText()));
        ImageAnalyzer.Work work = active().prepare(upload, query);
        return Json.tree(compute.call(() -> work.run(RunContext.async(task.requestId(), task.taskId()))));
    }

    private ImageAnalyzer.Work prepare(ServerRequest req) {
        ImageUpload upload = uploads.read(req);
        return active().prepare(upload, firstValues(req));
    }

    private ImageAnalyzer active() {
        return analyzer.orElseThrow(() -> ApiException.unavailable("model_unavailable", unavailableMessage));
    }

    private static String text(JsonNode params, String field) {
        JsonNode value = params.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, String> firstValues(ServerRequest req) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().first(name).orElse(""));
        }
        return query;
    }
}
