package dev.mlportfolio.core.tracking;

/**
 * A version in the model registry.
 *
 * @param source  where the registry says the model files are, e.g. {@code mlflow-artifacts:/1/<run>/artifacts/model}
 * @param created true when this call made the version, false when it already existed
 */
public record RegisteredModelVersion(String name, String version, String source, String runId, boolean created) {
}
