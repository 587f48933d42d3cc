package dev.mlportfolio.server.detection;

import dev.mlportfolio.server.http.ClientText;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.detect.DetectorException;
import dev.mlportfolio.core.detect.DetectorOptions;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.health.ComponentHealth;
import dev.mlportfolio.server.health.HealthContributor;
import dev.mlportfolio.server.metrics.ResidentMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The detector the server runs with, or why there is none. A missing model file makes detection
 * unavailable; a file that fails to load makes it down. Neither stops the server.
 */
public final class LoadedDetector implements HealthContributor, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LoadedDetector.class.getName());

    private final CutlerDetector detector;
    private final Path modelPath;
    private final String sha256;
    private final ComponentHealth health;
    private final String problem;
    private final Throwable failure;
    private volatile Map<String, Long> memoryBytes = Map.of();

    private LoadedDetector(CutlerDetector detector, Path modelPath, String sha256, ComponentHealth health, String problem,
                           Throwable failure) {
        this.detector = detector;
        this.modelPath = modelPath;
        this.sha256 = sha256;
        this.health = health;
        this.problem = problem;
        this.failure = failure;
    }

    /** Loads {@code MODEL_PATH} with the configured provider, threshold and limits. */
    public static LoadedDetector load(ServerSettings settings) {
        Path path = settings.modelPath();
        if (!Files.isRegularFile(path)) {
            String message = "CutLER detection is not available: no model file at " + ClientText.path(path)
                    + " (MODEL_PATH); see models/README.md to export one";
            LOG.info(message + " (looked for " + path.toAbsolutePath() + ")");
            return new LoadedDetector(null, path, null, ComponentHealth.unavailable(message), message, null);
        }
        DetectorOptions options = options(settings);
        try {
            String sha = sha256(path);
            ResidentMemory.Measured<CutlerDetector> opened = ResidentMemory.whileLoading(() -> CutlerDetector.open(options));
            CutlerDetector detector = opened.value();
            LOG.info("CutLER model loaded from " + path + " (sha256 " + sha.substring(0, 12) + "..., provider "
                    + detector.executionProvider().id() + ")");
            LoadedDetector loaded = loaded(detector, path, sha);
            opened.grownBytes().ifPresent(bytes -> loaded.memoryBytes = Map.of(DetectionService.MODEL, bytes));
            return loaded;
        } catch (DetectorException | IOException e) {
            String message = "CutLER detection is down: the model at " + ClientText.path(path) + " did not load: "
                    + ClientText.scrub(e.getMessage());
            LOG.log(Level.WARNING, message, e);
            return new LoadedDetector(null, path, null, ComponentHealth.down(message, Map.of()), message, e);
        }
    }

    /** Wraps a detector opened by the caller (tests, embedding applications). */
    public static LoadedDetector of(CutlerDetector detector) {
        Path path = detector.options().modelPath();
        try {
            return loaded(detector, path, sha256(path));
        } catch (IOException e) {
            throw new DetectorException("cannot read " + path, e);
        }
    }

    /** Detector options from the server settings. */
    public static DetectorOptions options(ServerSettings settings) {
        return DetectorOptions.of(settings.modelPath())
                .withProvider(settings.onnxProvider())
                .withConfidenceThreshold((float) settings.confidenceThreshold())
                .withIntraOpThreads(settings.onnxThreads())
                .withMaxConcurrentRuns(settings.detectorConcurrency())
                .withMaxPixels(settings.maxImagePixels());
    }

    private static LoadedDetector loaded(CutlerDetector detector, Path path, String sha) {
        ComponentHealth up = ComponentHealth.up(Map.of("execution_provider", detector.executionProvider().id(),
                "model_path", path.toString()));
        return new LoadedDetector(detector, path, sha, up, null, null);
    }

    public Optional<CutlerDetector> detector() {
        return Optional.ofNullable(detector);
    }

    public Path modelPath() {
        return modelPath;
    }

    /** The model file's SHA-256, or null when nothing is loaded. */
    public String sha256() {
        return sha256;
    }

    /** Resident memory gained while loading, by model name; empty when it was not measured (opened by the caller). */
    public Map<String, Long> memoryBytes() {
        return memoryBytes;
    }

    /** The error of a model file that is there but did not load (not of one that is missing). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Why there is no detector; null when there is one. */
    public String problem() {
        return problem;
    }

    @Override
    public String name() {
        return "cutler";
    }

    @Override
    public ComponentHealth check() {
        return health;
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
