package dev.mlportfolio.server.routes;

import dev.mlportfolio.server.ComputeExecutor;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.http.RequestId;
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
        routes.post("/process-image", this::processNow)
                .post("/process-image/async", this::processLater);
    }

    private void processNow(ServerRequest req, ServerResponse res) throws Exception {
        ImageAnalyzer.Work work = prepare(req);
        RunContext context = RunContext.sync(RequestId.of(req));
        Json.send(res, Status.OK_200, compute.call(() -> work.run(context)));
    }

    private void processLater(ServerRequest req, ServerResponse res) {
        ImageAnalyzer.Work work = prepare(req);
        String requestId = RequestId.of(req);
        tasks.submit(req, res, "process_image", "image processing queued; poll the Location for the result",
                taskId -> () -> Json.tree(compute.call(() -> work.run(RunContext.async(requestId, taskId)))));
    }

    private ImageAnalyzer.Work prepare(ServerRequest req) {
        ImageUpload upload = uploads.read(req);
        ImageAnalyzer active = analyzer.orElseThrow(() -> ApiException.unavailable("model_unavailable", unavailableMessage));
        return active.prepare(upload, firstValues(req));
    }

    private static Map<String, String> firstValues(ServerRequest req) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().first(name).orElse(""));
        }
        return query;
    }
}
