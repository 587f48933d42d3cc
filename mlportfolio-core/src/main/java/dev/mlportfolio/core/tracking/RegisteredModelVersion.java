package dev.mlportfolio.core.tracking;

/**
 * A version in the model registry.
 *
 * @param name    the registered model's name
 * @param version its version number, as MLflow writes it
 * @param source  where the registry says the model files are, e.g. {@code mlflow-artifacts:/1/<run>/artifacts/model}
 * @param runId   the run that holds the file
 * @param created true when this call made the version, false when it already existed
 */
public record RegisteredModelVersion(String name, String version, String source, String runId, boolean created) {
}
