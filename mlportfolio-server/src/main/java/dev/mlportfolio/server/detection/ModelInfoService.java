package dev.mlportfolio.server.detection;

import dev.mlportfolio.server.http.ClientText;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mlportfolio.core.Version;
import dev.mlportfolio.core.detect.ResizePlan;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.tracking.ServerTracking;
import io.helidon.http.Status;

/** {@code GET /model/info}: which detector is configured, whether it is loaded, and where it runs. */
public final class ModelInfoService {
    /** The tensor CutLER's exported graph takes. */
    public record InputSpec(String name, String dtype, String layout, String color, int shortSide, int maxLongSide) {
        static final InputSpec CUTLER = new InputSpec("image", "float32", "[3,H,W]", "RGB 0..255, not normalized",
                ResizePlan.SHORT_SIDE, ResizePlan.MAX_LONG_SIDE);
    }

    /**
     * @param executionProvider the provider the loaded session runs on; null while nothing is loaded
     * @param message           why the model is not loaded; null when it is
     * @param registeredModel   its name and version in the MLflow model registry; absent when tracking is off
     */
    public record ModelInfo(String modelName, String modelPath, boolean loaded, String modelSha256,
                            String executionProvider, String requestedProvider, double confidenceThreshold,
                            long maxImagePixels, InputSpec input, String version, String message,
                            @JsonInclude(JsonInclude.Include.NON_NULL) ServerTracking.RegistryInfo registeredModel) {
    }

    private final ServerSettings settings;
    private final LoadedDetector detector;
    private final ServerTracking tracking;

    public ModelInfoService(ServerSettings settings, LoadedDetector detector, ServerTracking tracking) {
        this.settings = settings;
        this.detector = detector;
        this.tracking = tracking;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/model/info", (req, res) -> Json.send(res, Status.OK_200, info()));
    }

    public ModelInfo info() {
        String provider = detector.detector().map(d -> d.executionProvider().id()).orElse(null);
        return new ModelInfo(DetectionResponse.modelName(detector.modelPath()), ClientText.path(detector.modelPath()), provider != null, detector.sha256(), provider,
                settings.onnxProvider().id(), settings.confidenceThreshold(), settings.maxImagePixels(),
                InputSpec.CUTLER, Version.current(), detector.problem(), tracking.registryInfo());
    }
}
