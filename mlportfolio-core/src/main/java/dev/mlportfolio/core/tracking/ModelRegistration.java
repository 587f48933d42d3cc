package dev.mlportfolio.core.tracking;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A model file to put in the registry. A new version is made only when no version of {@code name}
 * carries the same {@code sha256} tag, so restarting with the same file adds nothing.
 *
 * @param name        the registered model's name
 * @param file        the model file, uploaded as the version's artifact
 * @param sha256      the file's SHA-256, hex
 * @param experiment  where the run that holds the uploaded file is logged
 * @param description the version's description; may be null
 * @param tags        extra version tags, e.g. the execution provider
 */
public record ModelRegistration(String name, Path file, String sha256, String experiment, String description,
                                Map<String, String> tags) {
    /** The version tag that holds the file's SHA-256. */
    public static final String SHA256_TAG = "sha256";

    /**
     * Checks the registration and copies the tags.
     *
     * @throws NullPointerException when the name, file, digest or experiment is null
     */
    public ModelRegistration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(experiment, "experiment");
        tags = Map.copyOf(tags);
    }
}
