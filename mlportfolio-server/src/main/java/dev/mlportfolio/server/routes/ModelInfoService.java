package dev.mlportfolio.server.routes;

import dev.mlportfolio.core.Version;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.Status;

/** {@code GET /model/info}: which detector is configured and whether it is loaded. */
public final class ModelInfoService {
    /** The tensor CutLER's exported graph takes. */
    public record InputSpec(String name, String dtype, String layout, String color, int shortSide, int maxLongSide) {
        static final InputSpec CUTLER = new InputSpec("image", "float32", "[3,H,W]", "RGB 0..255, not normalized", 800, 1333);
    }

    /**
     * @param executionProvider the provider the loaded session runs on; null while nothing is loaded
     * @param message           why the model is not loaded; null when it is
     */
    public record ModelInfo(String modelName, String modelPath, boolean loaded, String executionProvider,
                            String requestedProvider, double confidenceThreshold, InputSpec input, String version,
                            String message) {
    }

    private final ServerSettings settings;
    private final String notLoadedReason;

    public ModelInfoService(ServerSettings settings, String notLoadedReason) {
        this.settings = settings;
        this.notLoadedReason = notLoadedReason;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/model/info", (req, res) -> Json.send(res, Status.OK_200, info()));
    }

    public ModelInfo info() {
        return new ModelInfo("CutLER", settings.modelPath().toString(), false, null, settings.onnxProvider().id(),
                settings.confidenceThreshold(), InputSpec.CUTLER, Version.current(), notLoadedReason);
    }
}
