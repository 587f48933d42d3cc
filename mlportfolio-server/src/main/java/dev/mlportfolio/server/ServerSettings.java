package dev.mlportfolio.server;

import dev.mlportfolio.core.detect.ExecutionProvider;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.rag.generate.Engine;
import dev.mlportfolio.core.rag.generate.PromptLayout;
import dev.mlportfolio.core.tracking.SpoolSettings;
import dev.mlportfolio.server.access.AccessSettings;
import dev.mlportfolio.server.access.ApiKeys;
import dev.mlportfolio.server.access.IpRange;
import dev.mlportfolio.server.access.RateGroup;
import dev.mlportfolio.server.access.RateLimit;
import dev.mlportfolio.server.connection.ConnectionSettings;
import dev.mlportfolio.server.errors.SentryReporter;
import dev.mlportfolio.server.tasks.TaskSettings;
import dev.mlportfolio.server.tracking.TrackingSettings;
import dev.mlportfolio.server.web.CorsOrigins;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * Everything the server reads from its environment, validated once at start-up.
 *
 * <p>Variable names are the original FastAPI service's. Optional parts left unset (MLflow, a model
 * file, an LLM) turn the matching feature off; they never stop the server. A value that is set but
 * malformed does stop it, with a message naming the variable and the accepted form.
 */
public record ServerSettings(
        String environment,
        boolean debug,
        Level logLevel,
        String host,
        int port,
        Optional<URI> mlflowTrackingUri,
        String mlflowExperimentName,
        Path modelPath,
        double confidenceThreshold,
        ExecutionProvider onnxProvider,
        Path ragResumePath,
        Path ragWorkingDir,
        Optional<Path> ragDocumentsDir,
        Optional<Path> ragModelPath,
        int ragMaxGenerations,
        int ragMaxNewTokens,
        Duration ragQueueTimeout,
        PromptLayout ragPromptLayout,
        Engine ragLlmEngine,
        long maxFileSize,
        long maxImagePixels,
        int detectorConcurrency,
        int onnxThreads,
        Optional<String> sentryDsn,
        int computeThreads,
        TaskSettings tasks,
        Duration shutdownGracePeriod,
        TrackingSettings tracking,
        ConnectionSettings connections,
        AccessSettings access,
        CorsOrigins cors) {

    public static final List<String> ENVIRONMENTS = List.of("development", "test", "staging", "production");
    public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;
    /** Uploads are held in memory while they are checked and decoded, so the limit stays well below the heap. */
    public static final long MAX_FILE_SIZE_LIMIT = 512L * 1024 * 1024;

    /** Whether logs are written as JSON lines. */
    public boolean jsonLogs() {
        return environment.equals("production");
    }

    /** The settings a server gets with an empty environment. */
    public static ServerSettings defaults() {
        return fromEnvironment(Map.of());
    }

    /**
     * Reads and validates the settings.
     *
     * @param env environment variables, usually {@code System.getenv()}
     * @throws InvalidSettingsException listing every variable that holds an unusable value
     */
    public static ServerSettings fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        String environment = r.read("ENVIRONMENT", "development", "one of " + String.join(", ", ENVIRONMENTS),
                v -> ENVIRONMENTS.contains(v.toLowerCase(Locale.ROOT)) ? v.toLowerCase(Locale.ROOT) : null);
        boolean debug = r.read("DEBUG", false, "true or false", Reader::bool);
        Level logLevel = r.read("LOG_LEVEL", debug ? Level.FINE : Level.INFO,
                "one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL", Reader::level);
        String host = r.read("HOST", "127.0.0.1", "a host name or IP address to listen on, e.g. 0.0.0.0",
                v -> v.matches("[A-Za-z0-9.:\\-\\[\\]%]+") ? v : null);
        int port = r.read("PORT", 8000, "a whole number from 0 to 65535 (0 picks a free port)", v -> intIn(v, 0, 65535));
        Optional<URI> mlflow = r.readOptional("MLFLOW_TRACKING_URI",
                "an http:// or https:// URL such as http://127.0.0.1:5000", v -> uri(v, "http", "https"));
        String experiment = r.read("MLFLOW_EXPERIMENT_NAME", "cutler_model", "a name of 1 to 500 characters",
                v -> v.length() <= 500 ? v : null);
        Path modelPath = r.read("MODEL_PATH", Path.of("models", "cutler_cascade_final.onnx"), "a file path", Reader::path);
        double threshold = r.read("CONFIDENCE_THRESHOLD", 0.35, "a number from 0 to 1, e.g. 0.35",
                v -> doubleIn(v, 0.0, 1.0));
        ExecutionProvider provider = r.read("ONNX_PROVIDER", ExecutionProvider.AUTO, "auto, cpu or cuda",
                v -> ExecutionProvider.parse(v).orElse(null));
        Path resume = r.read("RAG_RESUME_PATH", Path.of("data", "resume.md"), "a file path", Reader::path);
        Path ragWorkingDir = r.read("RAG_WORKING_DIR", Path.of("work", "rag"), "a directory path", Reader::path);
        Optional<Path> ragDocuments = r.readOptional("RAG_DOCUMENTS_DIR", "a folder of .txt, .md or .pdf files", Reader::path);
        Optional<Path> ragModel = r.readOptional("RAG_MODEL_PATH", "the path of a Jlama model folder", Reader::path);
        int ragGenerations = r.read("RAG_MAX_GENERATIONS", 1, "a whole number from 1 to 16", v -> intIn(v, 1, 16));
        int ragNewTokens = r.read("RAG_MAX_NEW_TOKENS", 128, "a whole number from 16 to 4096", v -> intIn(v, 16, 4096));
        Duration ragQueueTimeout = r.read("RAG_QUEUE_TIMEOUT", Duration.ofSeconds(30),
                "a whole number of seconds from 0 to 600", v -> seconds(v, 0, 600));
        PromptLayout ragLayout = r.read("RAG_PROMPT_LAYOUT", PromptLayout.EXCERPTS, "excerpts or whole-documents",
                v -> PromptLayout.parse(v).orElse(null));
        Engine ragEngine = r.read("RAG_LLM_ENGINE", Engine.AUTO, "auto, f32, int8 or jlama", v -> Engine.parse(v).orElse(null));
        long maxFileSize = r.read("MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE,
                "a whole number of bytes from 1 to " + MAX_FILE_SIZE_LIMIT + ", e.g. 10485760 for 10 MiB",
                v -> longIn(v, 1, MAX_FILE_SIZE_LIMIT));
        long maxImagePixels = r.read("MAX_IMAGE_PIXELS", ImageDecoder.DEFAULT_MAX_PIXELS,
                "a whole number of pixels from 1 to 1000000000, e.g. 50000000", v -> longIn(v, 1, 1_000_000_000L));
        int detectorConcurrency = r.read("DETECTOR_CONCURRENCY", 1, "a whole number from 1 to 64", v -> intIn(v, 1, 64));
        int onnxThreads = r.read("ONNX_THREADS", 0, "a whole number from 0 (ONNX Runtime decides) to 256",
                v -> intIn(v, 0, 256));
        Optional<String> sentry = r.readOptional("SENTRY_DSN", "a Sentry DSN such as https://<public key>@o1.ingest.sentry.io/<project id>",
                SentryReporter::validDsn);
        int compute = r.read("COMPUTE_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors()),
                "a whole number from 1 to 256", v -> intIn(v, 1, 256));
        Duration grace = r.read("SHUTDOWN_GRACE_PERIOD", Duration.ofSeconds(20), "a whole number of seconds from 0 to 3600",
                v -> seconds(v, 0, 3600));
        TaskSettings tasks = tasks(r);
        TrackingSettings tracking = tracking(r);
        ConnectionSettings connections = connections(r);
        AccessSettings access = access(r);
        CorsOrigins cors = r.read("CORS_ALLOWED_ORIGINS", CorsOrigins.none(),
                "* or origins separated by commas, e.g. https://example.com,http://localhost:4200", CorsOrigins::parse);
        r.throwIfInvalid();
        return new ServerSettings(environment, debug, logLevel, host, port, mlflow, experiment, modelPath,
                threshold, provider, resume, ragWorkingDir, ragDocuments, ragModel, ragGenerations, ragNewTokens, ragQueueTimeout, ragLayout, ragEngine, maxFileSize,
                maxImagePixels, detectorConcurrency, onnxThreads, sentry, compute, tasks, grace, tracking, connections, access, cors);
    }

    private static TaskSettings tasks(Reader r) {
        int workers = r.read("TASK_WORKERS", Math.max(1, Runtime.getRuntime().availableProcessors()),
                "a whole number from 1 to 256", v -> intIn(v, 1, 256));
        int queueSize = r.read("TASK_QUEUE_SIZE", 100, "a whole number from 1 to 100000", v -> intIn(v, 1, 100_000));
        Duration ttl = r.read("TASK_RESULT_TTL", Duration.ofHours(1), "a whole number of seconds from 1 to 604800",
                v -> seconds(v, 1, 604_800));
        Optional<URI> redis = r.readOptional("REDIS_URL", "a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0",
                v -> uri(v, "redis", "rediss"));
        String prefix = r.read("REDIS_KEY_PREFIX", TaskSettings.DEFAULT_KEY_PREFIX,
                "1 to 100 letters, digits or . _ : -", v -> v.matches("[A-Za-z0-9._:\\-]{1,100}") ? v : null);
        Duration visibility = r.read("TASK_VISIBILITY_TIMEOUT", Duration.ofSeconds(60),
                "a whole number of seconds from 1 to 3600", v -> seconds(v, 1, 3600));
        int attempts = r.read("TASK_MAX_ATTEMPTS", TaskSettings.DEFAULT_MAX_ATTEMPTS, "a whole number from 1 to 100", v -> intIn(v, 1, 100));
        return new TaskSettings(workers, queueSize, ttl, redis, prefix, visibility, attempts);
    }

    private static ConnectionSettings connections(Reader r) {
        Duration header = r.read("HTTP_HEADER_TIMEOUT", ConnectionSettings.DEFAULT_HEADER_TIMEOUT,
                "a whole number of seconds from 1 to 600", v -> seconds(v, 1, 600));
        Duration idle = r.read("HTTP_IDLE_TIMEOUT", ConnectionSettings.DEFAULT_IDLE_TIMEOUT,
                "a whole number of seconds from 2 to 3600", v -> seconds(v, 2, 3600));
        int connections = r.read("HTTP_MAX_CONNECTIONS", ConnectionSettings.DEFAULT_MAX_CONNECTIONS,
                "a whole number from 16 to 1000000", v -> intIn(v, 16, 1_000_000));
        int headerSize = r.read("HTTP_MAX_HEADER_SIZE", ConnectionSettings.DEFAULT_MAX_HEADER_SIZE,
                "a whole number of bytes from 1024 to 1048576", v -> intIn(v, 1024, 1 << 20));
        return new ConnectionSettings(header, idle, connections, headerSize);
    }

    private static AccessSettings access(Reader r) {
        ApiKeys keys = r.read("API_KEYS", ApiKeys.none(), "name:token or token entries separated by commas, each token "
                + ApiKeys.MIN_TOKEN_LENGTH + " to 512 visible characters without commas, no name or token twice "
                + "(make one with: openssl rand -hex 32)", ApiKeys::parse);
        List<IpRange> proxies = r.read("TRUSTED_PROXIES", List.of(),
                "IP addresses or CIDR blocks separated by commas, e.g. 127.0.0.1,10.0.0.0/8", AccessSettings::parseRanges);
        Map<RateGroup, RateLimit> limits = new java.util.EnumMap<>(RateGroup.class);
        for (RateGroup group : RateGroup.values()) {
            r.readOptional(group.setting(), "requests per period such as 30/min, 5/s, 10/15s or 1000/h", RateLimit::parse)
                    .ifPresent(limit -> limits.put(group, limit));
        }
        return new AccessSettings(keys, proxies, limits);
    }

    private static TrackingSettings tracking(Reader r) {
        String name = "a name of 1 to 500 characters";
        String ragExperiment = r.read("MLFLOW_RAG_EXPERIMENT_NAME", TrackingSettings.DEFAULT_RAG_EXPERIMENT, name,
                v -> v.length() <= 500 ? v : null);
        String modelName = r.read("MLFLOW_REGISTERED_MODEL_NAME", TrackingSettings.DEFAULT_MODEL_NAME,
                "a name of 1 to 256 characters without '/' or ':'", v -> v.length() <= 256 && !v.matches(".*[/:].*") ? v : null);
        double sampleRate = r.read("MLFLOW_ARTIFACT_SAMPLE_RATE", 1.0,
                "a number from 0 (no artifacts) to 1 (every prediction), e.g. 0.1", v -> doubleIn(v, 0.0, 1.0));
        int queue = r.read("MLFLOW_QUEUE_SIZE", TrackingSettings.DEFAULT_QUEUE_SIZE, "a whole number from 1 to 1000000",
                v -> intIn(v, 1, 1_000_000));
        Duration timeout = r.read("MLFLOW_HTTP_REQUEST_TIMEOUT", Duration.ofSeconds(10),
                "a whole number of seconds from 1 to 600", v -> seconds(v, 1, 600));
        Optional<String> user = r.readOptional("MLFLOW_TRACKING_USERNAME", "a user name", v -> v);
        Optional<String> password = r.readOptional("MLFLOW_TRACKING_PASSWORD", "a password", v -> v);
        if (user.isPresent() != password.isPresent()) {
            r.problem("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together: set both or neither");
        }
        Optional<String> token = r.readOptional("MLFLOW_TRACKING_TOKEN", "a token", v -> v);
        double ragSampleRate = r.read("MLFLOW_RAG_SAMPLE_RATE", 1.0,
                "a number from 0 (no RAG query runs) to 1 (every query), e.g. 0.1", v -> doubleIn(v, 0.0, 1.0));
        Optional<Path> spool = r.read("MLFLOW_SPOOL_DIR", Optional.of(TrackingSettings.DEFAULT_SPOOL_DIR),
                "a directory path, or off to keep waiting runs in memory only",
                v -> v.equalsIgnoreCase("off") ? Optional.<Path>empty() : Reader.path(v) == null ? null : Optional.of(Reader.path(v)));
        long spoolBytes = r.read("MLFLOW_SPOOL_MAX_BYTES", SpoolSettings.DEFAULT_MAX_BYTES,
                "a whole number of bytes from 1048576 (1 MiB) to 1099511627776 (1 TiB)", v -> longIn(v, 1L << 20, 1L << 40));
        SpoolSettings.Fsync fsync = r.read("MLFLOW_SPOOL_FSYNC", SpoolSettings.Fsync.EVERY_SECOND, "always, everysec or no",
                v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "always" -> SpoolSettings.Fsync.ALWAYS;
                    case "everysec" -> SpoolSettings.Fsync.EVERY_SECOND;
                    case "no" -> SpoolSettings.Fsync.NEVER;
                    default -> null;
                });
        int writers = r.read("MLFLOW_WRITERS", TrackingSettings.DEFAULT_WRITERS, "a whole number from 1 to 64",
                v -> intIn(v, 1, 64));
        return new TrackingSettings(ragExperiment, modelName, sampleRate, ragSampleRate, queue, timeout, user, password,
                token, spool, spoolBytes, fsync, writers);
    }

    private static Integer intIn(String v, int min, int max) {
        Long value = longIn(v, min, max);
        return value == null ? null : value.intValue();
    }

    private static Long longIn(String v, long min, long max) {
        if (!v.matches("[0-9]{1,18}")) {
            return null;
        }
        long value = Long.parseLong(v);
        return value >= min && value <= max ? value : null;
    }

    private static Double doubleIn(String v, double min, double max) {
        try {
            double value = Double.parseDouble(v);
            return value >= min && value <= max ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration seconds(String v, long min, long max) {
        Long value = longIn(v, min, max);
        return value == null ? null : Duration.ofSeconds(value);
    }

    private static URI uri(String v, String... schemes) {
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return List.of(schemes).contains(scheme) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Reads one variable at a time and collects every problem, so a user fixes them all in one go. */
    private static final class Reader {
        /** Settings whose values must not reach a log or a terminal, even when they are wrong. */
        private static final java.util.Set<String> SECRETS = java.util.Set.of("API_KEYS", "SENTRY_DSN",
                "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN");
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        <T> T read(String name, T fallback, String acceptedForm, Function<String, T> parse) {
            return readOptional(name, acceptedForm, parse).orElse(fallback);
        }

        <T> Optional<T> readOptional(String name, String acceptedForm, Function<String, T> parse) {
            String raw = env.get(name);
            if (raw == null || raw.isBlank()) {
                return Optional.empty();
            }
            T value = parse.apply(raw.strip());
            if (value == null) {
                String shown = SECRETS.contains(name) ? " (value not shown)" : "=\"" + printable(raw) + "\"";
                problems.add(name + shown + " is not valid: expected " + acceptedForm);
            }
            return Optional.ofNullable(value);
        }

        void problem(String message) {
            problems.add(message);
        }

        void throwIfInvalid() {
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(problems);
            }
        }

        static Boolean bool(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> Boolean.TRUE;
                case "false", "0", "no", "off" -> Boolean.FALSE;
                default -> null;
            };
        }

        static Level level(String v) {
            return switch (v.toUpperCase(Locale.ROOT)) {
                case "TRACE" -> Level.FINEST;
                case "DEBUG" -> Level.FINE;
                case "INFO" -> Level.INFO;
                case "WARN", "WARNING" -> Level.WARNING;
                case "ERROR", "CRITICAL" -> Level.SEVERE;
                default -> null;
            };
        }

        static Path path(String v) {
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                return null;
            }
        }

        private static String printable(String raw) {
            String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
            return oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine;
        }
    }
}
