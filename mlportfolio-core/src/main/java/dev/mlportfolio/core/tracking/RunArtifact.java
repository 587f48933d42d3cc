package dev.mlportfolio.core.tracking;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file to keep with a run, such as an overlay image.
 *
 * @param path        where it goes under the run's artifact root, e.g. {@code prediction/overlay.jpg}
 * @param contentType its media type, e.g. {@code image/jpeg}
 * @param content     its bytes; not copied, so do not change them after handing them over
 */
public record RunArtifact(String path, String contentType, byte[] content) {
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    /**
     * Checks the artifact.
     *
     * @throws IllegalArgumentException when the path is not a relative path of plain names
     */
    public RunArtifact {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
        checkPath(path);
    }

    /** Relative, slash-separated, no {@code ..}: MLflow's artifact server refuses anything else. */
    static String checkPath(String path) {
        if (path == null || !SAFE_PATH.matcher(path).matches() || path.equals("..") || path.startsWith("../")
                || path.contains("/../") || path.endsWith("/..")) {
            throw new IllegalArgumentException("artifact path must be relative, like 'dir/file.json', and use only "
                    + "letters, digits, '.', '_' and '-': " + path);
        }
        return path;
    }
}
