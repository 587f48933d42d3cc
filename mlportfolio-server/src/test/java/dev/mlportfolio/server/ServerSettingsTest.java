package dev.mlportfolio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.detect.ExecutionProvider;
import dev.mlportfolio.server.tracking.TrackingSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerSettingsTest {

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        ServerSettings s = ServerSettings.defaults();
        assertEquals("development", s.environment());
        assertFalse(s.debug());
        assertEquals(Level.INFO, s.logLevel());
        assertEquals(8000, s.port());
        assertEquals("127.0.0.1", s.host());
        assertEquals(Optional.empty(), s.mlflowTrackingUri());
        assertEquals("cutler_model", s.mlflowExperimentName());
        assertEquals(0.35, s.confidenceThreshold());
        assertEquals(ExecutionProvider.AUTO, s.onnxProvider());
        assertEquals(10L * 1024 * 1024, s.maxFileSize());
        assertEquals(Path.of("models", "cutler_cascade_final.onnx"), s.modelPath());
        assertEquals(100, s.tasks().queueSize());
        assertEquals(Duration.ofHours(1), s.tasks().resultTtl());
        assertFalse(s.jsonLogs());
        assertEquals(Path.of("data", "resume.md"), s.ragResumePath());
        assertEquals(Optional.empty(), s.ragModelPath());
        assertEquals(50_000_000L, s.maxImagePixels());
        assertEquals(1, s.detectorConcurrency());
        assertEquals(dev.mlportfolio.server.connection.ConnectionSettings.defaults(), s.connections());
        assertFalse(s.access().apiKeys().enabled(), "no API keys unless set");
        assertEquals(Map.of(), s.access().rateLimits(), "no rate limits unless set");
        assertEquals(List.of(), s.access().trustedProxies(), "X-Forwarded-For ignored unless set");
    }

    @Test
    void accessSettingsAreRead() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.of("API_KEYS", "ci:0123456789abcdef0123,abcdefabcdefabcdef",
                "TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, fd00::/8", "RATE_LIMIT_RAG", "60/min", "RATE_LIMIT_IMAGES", "10/15s"));
        assertEquals(2, s.access().apiKeys().size());
        assertEquals(Optional.of("ci"), s.access().apiKeys().match("0123456789abcdef0123"));
        assertEquals(3, s.access().trustedProxies().size());
        assertEquals(new dev.mlportfolio.server.access.RateLimit(60, Duration.ofMinutes(1)),
                s.access().rateLimits().get(dev.mlportfolio.server.access.RateGroup.RAG));
        assertEquals(new dev.mlportfolio.server.access.RateLimit(10, Duration.ofSeconds(15)),
                s.access().rateLimits().get(dev.mlportfolio.server.access.RateGroup.IMAGES));
    }

    @Test
    void aSentryDsnMustHaveItsFormAndIsNeverEchoed() {
        assertEquals(Optional.of("https://abc123@o1.ingest.sentry.io/42"),
                ServerSettings.fromEnvironment(Map.of("SENTRY_DSN", "https://abc123@o1.ingest.sentry.io/42")).sentryDsn());
        for (String bad : new String[] {"https://o1.ingest.sentry.io/42", "ftp://abc@host/42", "abc123", "https://abc@host"}) {
            InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                    () -> ServerSettings.fromEnvironment(Map.of("SENTRY_DSN", bad)));
            assertTrue(e.getMessage().startsWith("SENTRY_DSN (value not shown) is not valid: expected a Sentry DSN"), e.getMessage());
            assertFalse(e.getMessage().contains(bad), "the DSN holds a key and is not echoed");
        }
    }

    @Test
    void aBadKeyListIsRefusedWithoutShowingTheKeys() {
        String secret = "tooshort";
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ServerSettings.fromEnvironment(Map.of("API_KEYS", "ci:" + secret)));
        assertTrue(e.getMessage().startsWith("API_KEYS (value not shown) is not valid: expected"), e.getMessage());
        assertTrue(e.getMessage().contains("16 to 512 visible characters"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "the key is not echoed");
    }

    @Test
    void readsEveryVariable() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.ofEntries(
                Map.entry("ENVIRONMENT", "Production"),
                Map.entry("DEBUG", "true"),
                Map.entry("LOG_LEVEL", "warning"),
                Map.entry("HOST", "0.0.0.0"),
                Map.entry("PORT", "9090"),
                Map.entry("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"),
                Map.entry("MLFLOW_EXPERIMENT_NAME", "exp"),
                Map.entry("REDIS_URL", "redis://localhost:6379/0"),
                Map.entry("MODEL_PATH", "/models/c.onnx"),
                Map.entry("CONFIDENCE_THRESHOLD", "0.5"),
                Map.entry("ONNX_PROVIDER", "CUDA"),
                Map.entry("RAG_RESUME_PATH", "/data/r.md"),
                Map.entry("RAG_WORKING_DIR", "/tmp/rag"),
                Map.entry("RAG_MODEL_PATH", "/llm"),
                Map.entry("RAG_DOCUMENTS_DIR", "/docs"),
                Map.entry("RAG_MAX_GENERATIONS", "2"),
                Map.entry("RAG_QUEUE_TIMEOUT", "0"),
                Map.entry("RAG_PROMPT_LAYOUT", "whole-documents"),
                Map.entry("RAG_LLM_ENGINE", "int8"),
                Map.entry("RAG_MAX_NEW_TOKENS", "64"),
                Map.entry("MAX_IMAGE_PIXELS", "1000000"),
                Map.entry("DETECTOR_CONCURRENCY", "3"),
                Map.entry("ONNX_THREADS", "2"),
                Map.entry("COMPUTE_THREADS", "4"),
                Map.entry("MAX_FILE_SIZE", "2048"),
                Map.entry("SENTRY_DSN", "https://k@sentry.example/1"),
                Map.entry("TASK_WORKERS", "4"),
                Map.entry("TASK_QUEUE_SIZE", "7"),
                Map.entry("TASK_RESULT_TTL", "60"),
                Map.entry("REDIS_KEY_PREFIX", "blue:tasks:"),
                Map.entry("TASK_VISIBILITY_TIMEOUT", "15"),
                Map.entry("TASK_MAX_ATTEMPTS", "5"),
                Map.entry("SHUTDOWN_GRACE_PERIOD", "3"),
                Map.entry("HTTP_HEADER_TIMEOUT", "4"),
                Map.entry("HTTP_IDLE_TIMEOUT", "30"),
                Map.entry("HTTP_MAX_CONNECTIONS", "100"),
                Map.entry("HTTP_MAX_HEADER_SIZE", "4096")));
        assertEquals("production", s.environment());
        assertTrue(s.jsonLogs());
        assertTrue(s.debug());
        assertEquals(Level.WARNING, s.logLevel());
        assertEquals("0.0.0.0", s.host());
        assertEquals(9090, s.port());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:5000")), s.mlflowTrackingUri());
        assertEquals("exp", s.mlflowExperimentName());
        assertEquals(Optional.of(URI.create("redis://localhost:6379/0")), s.tasks().redisUrl());
        assertEquals(Path.of("/models/c.onnx"), s.modelPath());
        assertEquals(0.5, s.confidenceThreshold());
        assertEquals(ExecutionProvider.CUDA, s.onnxProvider());
        assertEquals(Path.of("/data/r.md"), s.ragResumePath());
        assertEquals(Path.of("/tmp/rag"), s.ragWorkingDir());
        assertEquals(Optional.of(Path.of("/llm")), s.ragModelPath());
        assertEquals(Optional.of(Path.of("/docs")), s.ragDocumentsDir());
        assertEquals(2, s.ragMaxGenerations());
        assertEquals(64, s.ragMaxNewTokens());
        assertEquals(java.time.Duration.ZERO, s.ragQueueTimeout());
        assertEquals(dev.mlportfolio.core.rag.generate.PromptLayout.WHOLE_DOCUMENTS, s.ragPromptLayout());
        assertEquals(dev.mlportfolio.core.rag.generate.Engine.INT8, s.ragLlmEngine());
        assertEquals(1_000_000, s.maxImagePixels());
        assertEquals(3, s.detectorConcurrency());
        assertEquals(2, s.onnxThreads());
        assertEquals(4, s.computeThreads());
        assertEquals(2048, s.maxFileSize());
        assertEquals(4, s.tasks().workers());
        assertEquals(7, s.tasks().queueSize());
        assertEquals(Duration.ofSeconds(60), s.tasks().resultTtl());
        assertEquals("blue:tasks:", s.tasks().redisKeyPrefix());
        assertEquals(Duration.ofSeconds(15), s.tasks().visibilityTimeout());
        assertEquals(5, s.tasks().maxAttempts());
        assertEquals(Duration.ofSeconds(3), s.shutdownGracePeriod());
        assertEquals(new dev.mlportfolio.server.connection.ConnectionSettings(Duration.ofSeconds(4), Duration.ofSeconds(30),
                100, 4096), s.connections());
    }

    @Test
    void theTaskSettingsNeverPrintTheRedisPassword() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.of("REDIS_URL", "redis://app:s3cret@redis:6379/2"));
        assertEquals("s3cret", s.tasks().redisUrl().orElseThrow().getUserInfo().split(":")[1]);
        assertFalse(s.tasks().toString().contains("s3cret"), s.tasks().toString());
        assertFalse(s.toString().contains("s3cret"), "the settings as a whole either");
        assertTrue(s.tasks().toString().contains("redis:6379"), s.tasks().toString());
    }

    @Test
    void debugLowersTheDefaultLogLevelOnly() {
        assertEquals(Level.FINE, ServerSettings.fromEnvironment(Map.of("DEBUG", "1")).logLevel());
        assertEquals(Level.SEVERE, ServerSettings.fromEnvironment(Map.of("DEBUG", "1", "LOG_LEVEL", "ERROR")).logLevel());
    }

    @Test
    void blankValuesCountAsUnset() {
        ServerSettings s = ServerSettings.fromEnvironment(Map.of("PORT", "  ", "MLFLOW_TRACKING_URI", ""));
        assertEquals(8000, s.port());
        assertEquals(Optional.empty(), s.mlflowTrackingUri());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAX_FILE_SIZE|10MB|a whole number of bytes",
            "MAX_FILE_SIZE|0|a whole number of bytes",
            "MAX_FILE_SIZE|-5|a whole number of bytes",
            "MAX_FILE_SIZE|10 * 1024 * 1024|a whole number of bytes",
            "PORT|-1|a whole number from 0 to 65535",
            "PORT|70000|a whole number from 0 to 65535",
            "PORT|eighty|a whole number from 0 to 65535",
            "CONFIDENCE_THRESHOLD|1.5|a number from 0 to 1",
            "CONFIDENCE_THRESHOLD|abc|a number from 0 to 1",
            "ONNX_PROVIDER|tensorrt|auto, cpu or cuda",
            "ENVIRONMENT|prod|one of development, test, staging, production",
            "DEBUG|maybe|true or false",
            "LOG_LEVEL|LOUD|one of TRACE, DEBUG, INFO",
            "MLFLOW_TRACKING_URI|file:///tmp/mlruns|an http:// or https:// URL",
            "MLFLOW_TRACKING_URI|localhost:5000|an http:// or https:// URL",
            "REDIS_URL|http://localhost:6379|a redis:// or rediss:// URL",
            "TASK_WORKERS|0|a whole number from 1 to 256",
            "TASK_QUEUE_SIZE|lots|a whole number from 1 to 100000",
            "TASK_RESULT_TTL|1h|a whole number of seconds",
            "TASK_VISIBILITY_TIMEOUT|0|a whole number of seconds from 1 to 3600",
            "TASK_MAX_ATTEMPTS|0|a whole number from 1 to 100",
            "REDIS_KEY_PREFIX|my tasks|1 to 100 letters, digits",
            "SHUTDOWN_GRACE_PERIOD|-1|a whole number of seconds",
            "HOST|bad host|a host name or IP address",
            "MAX_IMAGE_PIXELS|50MP|a whole number of pixels",
            "DETECTOR_CONCURRENCY|0|a whole number from 1 to 64",
            "ONNX_THREADS|-2|a whole number from 0",
            "COMPUTE_THREADS|many|a whole number from 1 to 256",
            "RAG_MAX_GENERATIONS|17|a whole number from 1 to 16",
            "RAG_MAX_NEW_TOKENS|8|a whole number from 16 to 4096",
            "RAG_QUEUE_TIMEOUT|601|a whole number of seconds from 0 to 600",
            "RAG_PROMPT_LAYOUT|everything|excerpts or whole-documents",
            "RAG_LLM_ENGINE|INT8|auto, f32, int8 or jlama",
            "MLFLOW_ARTIFACT_SAMPLE_RATE|2|a number from 0 (no artifacts) to 1",
            "MLFLOW_ARTIFACT_SAMPLE_RATE|10%|a number from 0 (no artifacts) to 1",
            "MLFLOW_QUEUE_SIZE|0|a whole number from 1 to 1000000",
            "MLFLOW_HTTP_REQUEST_TIMEOUT|10s|a whole number of seconds from 1 to 600",
            "MLFLOW_REGISTERED_MODEL_NAME|models/cutler|without '/' or ':'",
            "HTTP_HEADER_TIMEOUT|0|a whole number of seconds from 1 to 600",
            "HTTP_IDLE_TIMEOUT|1|a whole number of seconds from 2 to 3600",
            "HTTP_MAX_CONNECTIONS|10|a whole number from 16 to 1000000",
            "HTTP_MAX_HEADER_SIZE|16k|a whole number of bytes from 1024 to 1048576",
            "TRUSTED_PROXIES|10.0.0.0/8,nginx|IP addresses or CIDR blocks",
            "TRUSTED_PROXIES|10.0.0.0/40|IP addresses or CIDR blocks",
            "RATE_LIMIT_RAG|30 per minute|requests per period such as 30/min",
            "RATE_LIMIT_IMAGES|0/min|requests per period such as 30/min",
            "MLFLOW_RAG_SAMPLE_RATE|1.5|a number from 0 (no RAG query runs) to 1",
            "MLFLOW_SPOOL_MAX_BYTES|1000|a whole number of bytes from 1048576",
            "MLFLOW_SPOOL_FSYNC|sometimes|always, everysec or no",
            "MLFLOW_WRITERS|0|a whole number from 1 to 64"})
    void badValuesNameTheVariableAndTheAcceptedForm(String variable, String value, String acceptedForm) {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ServerSettings.fromEnvironment(Map.of(variable, value)));
        assertEquals(1, e.problems().size());
        String message = e.getMessage();
        assertTrue(message.startsWith(variable + "=\"" + value + "\" is not valid: expected "), message);
        assertTrue(message.contains(acceptedForm), message);
        assertFalse(message.contains("\n"), "one line");
    }

    @Test
    void trackingSettingsHaveDefaultsAndAreRead() {
        TrackingSettings defaults = ServerSettings.defaults().tracking();
        assertEquals("resume_rag", defaults.ragExperimentName());
        assertEquals("cutler", defaults.registeredModelName());
        assertEquals(1.0, defaults.artifactSampleRate());
        assertEquals(10_000, defaults.queueSize());
        assertEquals(Duration.ofSeconds(10), defaults.timeout());
        assertEquals(1.0, defaults.ragSampleRate());
        assertEquals(Optional.of(Path.of("work", "mlflow-spool")), defaults.spoolDir(), "journaled under the working directory");
        assertEquals(512L << 20, defaults.spoolMaxBytes());
        assertEquals(dev.mlportfolio.core.tracking.SpoolSettings.Fsync.EVERY_SECOND, defaults.spoolFsync());
        assertEquals(4, defaults.writers());

        TrackingSettings memory = ServerSettings.fromEnvironment(Map.of("MLFLOW_SPOOL_DIR", "off")).tracking();
        assertEquals(Optional.empty(), memory.spoolDir());
        assertEquals(null, memory.spool());
        TrackingSettings spooled = ServerSettings.fromEnvironment(Map.of("MLFLOW_SPOOL_DIR", "/var/lib/mlportfolio/spool",
                "MLFLOW_SPOOL_FSYNC", "always", "MLFLOW_SPOOL_MAX_BYTES", "2097152", "MLFLOW_WRITERS", "8",
                "MLFLOW_RAG_SAMPLE_RATE", "0.25")).tracking();
        assertEquals(new dev.mlportfolio.core.tracking.SpoolSettings(Path.of("/var/lib/mlportfolio/spool"), 2_097_152,
                dev.mlportfolio.core.tracking.SpoolSettings.Fsync.ALWAYS), spooled.spool());
        assertEquals(8, spooled.writers());
        assertEquals(0.25, spooled.ragSampleRate());

        TrackingSettings s = ServerSettings.fromEnvironment(Map.of("MLFLOW_RAG_EXPERIMENT_NAME", "qa",
                "MLFLOW_REGISTERED_MODEL_NAME", "segmenter", "MLFLOW_ARTIFACT_SAMPLE_RATE", "0.1",
                "MLFLOW_QUEUE_SIZE", "50", "MLFLOW_HTTP_REQUEST_TIMEOUT", "3",
                "MLFLOW_TRACKING_USERNAME", "u", "MLFLOW_TRACKING_PASSWORD", "p")).tracking();
        assertEquals("qa", s.ragExperimentName());
        assertEquals("segmenter", s.registeredModelName());
        assertEquals(0.1, s.artifactSampleRate());
        assertEquals(50, s.queueSize());
        assertEquals(Duration.ofSeconds(3), s.timeout());
        assertEquals(Optional.of("u"), s.username());
        assertFalse(s.toString().contains("p]") || s.toString().contains("=p"), "the password is not printed: " + s);
    }

    @Test
    void aTrackingUserWithoutPasswordIsRefused() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ServerSettings.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "u")));
        assertTrue(e.getMessage().contains("MLFLOW_TRACKING_PASSWORD"), e.getMessage());
    }

    @Test
    void everyBadVariableIsReportedAtOnce() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ServerSettings.fromEnvironment(Map.of("PORT", "-1", "MAX_FILE_SIZE", "10MB")));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().contains("PORT=") && e.getMessage().contains("MAX_FILE_SIZE="));
    }

    @Test
    void controlCharactersInABadValueAreNotEchoedRaw() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ServerSettings.fromEnvironment(Map.of("PORT", "80\n80")));
        assertFalse(e.getMessage().contains("\n"));
    }
}
