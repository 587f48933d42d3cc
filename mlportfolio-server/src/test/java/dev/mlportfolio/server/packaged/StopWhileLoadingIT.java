package dev.mlportfolio.server.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica stopped while it is still building its RAG index stops cleanly. It used to die of
 * SIGSEGV in libonnxruntime (exit status 134 and an hs_err file in the working folder): the JVM
 * exited while the loader thread was inside ONNX Runtime embedding the chunks.
 */
class StopWhileLoadingIT {
    private static final Path ROOT = Path.of(System.getProperty("mlportfolio.root", ".."));

    @Test
    void sigtermDuringTheIndexBuildWaitsForItAndExitsCleanly(@TempDir Path dir) throws Exception {
        // Eight copies of the sample resume under their own headings: an index build of seconds, not a blink.
        String resume = Files.readString(ROOT.resolve("data/resume.md"));
        StringBuilder large = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            large.append(resume.replace("# Lena Marwick", "# Lena Marwick, copy " + i)).append("\n\n");
        }
        Path document = Files.writeString(dir.resolve("large-resume.md"), large);
        try (PackagedServer server = PackagedServer.start(dir, Map.of("RAG_RESUME_PATH", document.toString()))) {
            assertEquals(503, server.get("/rag/health").statusCode(), "the index is still being built when SIGTERM comes");
            server.terminate();
            assertTrue(server.awaitExit(Duration.ofSeconds(120)), "the server did not stop");
            // The log is read by another thread, which may still be catching up after the exit.
            server.awaitLog("for the RAG pipeline to finish loading", Duration.ofSeconds(10));
            server.awaitLog("Main  stopped", Duration.ofSeconds(10));
            assertEquals(143, server.exitValue(), "terminated by SIGTERM after a clean stop, not a crash:\n"
                    + String.join("\n", server.log()));
            // The JVM's shutdown hooks (ONNX Runtime's, which frees its environment, and Helidon's,
            // which logs this line) start only once the stop is done, not alongside it.
            List<String> log = server.log();
            int stopped = indexOf(log, "Main  stopped");
            int jvmShutdown = indexOf(log, "Shutdown requested by JVM shutting down");
            assertTrue(jvmShutdown > stopped, "JVM shutdown began after the stop:\n" + String.join("\n", log));
            assertFalse(Files.exists(ROOT.resolve("hs_err_pid" + server.pid() + ".log")), "no JVM crash report");
        }
    }

    private static int indexOf(List<String> log, String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with '" + text + "':\n" + String.join("\n", log));
    }
}
