package dev.mlportfolio.server.routes;

import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.core.Version;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.Status;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /}: name, version, environment and the list of endpoints (the web page and API docs among them). */
public final class RootService {
    public record Info(String name, String version, String environment, Map<String, String> endpoints) {
    }

    private static final Map<String, String> ENDPOINTS = endpoints();

    private final String environment;

    public RootService(String environment) {
        this.environment = environment;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/", Access.PUBLIC, (req, res) -> Json.send(res, Status.OK_200,
                new Info("mlportfolio", Version.current(), environment, ENDPOINTS)));
    }

    private static Map<String, String> endpoints() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("health", "/health");
        map.put("health_live", "/health/live");
        map.put("health_ready", "/health/ready");
        map.put("metrics", "/metrics");
        map.put("model_info", "/model/info");
        map.put("process_image", "/process-image");
        map.put("process_image_async", "/process-image/async");
        map.put("task_status", "/task/{task_id}");
        map.put("rag_info", "/rag/info");
        map.put("rag_health", "/rag/health");
        map.put("rag_query", "/rag/query");
        map.put("mlflow_runs", "/mlflow/runs");
        map.put("ui", "/ui/");
        map.put("docs", "/docs");
        map.put("openapi", "/openapi.json");
        return Collections.unmodifiableMap(map);
    }
}
