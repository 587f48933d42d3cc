package dev.mlportfolio.server.routes;

import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;

/** {@code GET /mlflow/runs}; answers 503 with the reason while tracking is not available. */
public final class MlflowService {
    private final String unavailableMessage;

    public MlflowService(String unavailableMessage) {
        this.unavailableMessage = unavailableMessage;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/mlflow/runs", (req, res) -> {
            throw ApiException.unavailable("mlflow_unavailable", unavailableMessage);
        });
    }
}
