package dev.mlportfolio.server.http;

import java.nio.file.Path;

/**
 * Text that goes to clients (error messages, /health, /model/info) says where things are without
 * telling the internet how the machine's disk is laid out: paths are shown relative to the working
 * directory, or by file name when they lie outside it. The log keeps the full paths.
 */
public final class ClientText {
    private static final Path WORKING_DIR = Path.of("").toAbsolutePath().normalize();

    private ClientText() {
    }

    /** A path as a client sees it. */
    public static String path(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.startsWith(WORKING_DIR) && !absolute.equals(WORKING_DIR)) {
            return WORKING_DIR.relativize(absolute).toString();
        }
        Path name = absolute.getFileName();
        return name == null ? "/" : name.toString();
    }

    /**
     * A message from a library (ONNX Runtime, Lucene, the JDK) with the working directory and the
     * home directory taken out of any path it names.
     */
    public static String scrub(String message) {
        if (message == null) {
            return "";
        }
        String text = message.replace(WORKING_DIR + "/", "").replace(WORKING_DIR.toString(), ".");
        String home = System.getProperty("user.home");
        if (home != null && home.length() > 1) {
            text = text.replace(home, "~");
        }
        return text;
    }
}
