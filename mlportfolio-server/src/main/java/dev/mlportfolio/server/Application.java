package dev.mlportfolio.server;

import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.server.access.AccessControl;
import dev.mlportfolio.server.access.AccessSettings;
import dev.mlportfolio.server.access.RateLimiter;
import dev.mlportfolio.server.connection.ConnectionCloseFilter;
import dev.mlportfolio.server.connection.ConnectionCounter;
import dev.mlportfolio.server.connection.ConnectionSettings;
import dev.mlportfolio.server.connection.HeaderTimeout;
import dev.mlportfolio.server.detection.DetectionService;
import dev.mlportfolio.server.errors.ErrorReporter;
import dev.mlportfolio.server.errors.ErrorTags;
import dev.mlportfolio.server.errors.SentryReporter;
import dev.mlportfolio.server.detection.LoadedDetector;
import dev.mlportfolio.server.detection.ModelInfoService;
import dev.mlportfolio.server.health.HealthService;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.ErrorMapping;
import dev.mlportfolio.server.http.RequestObserver;
import dev.mlportfolio.server.metrics.MetricsService;
import dev.mlportfolio.server.metrics.ServerMetrics;
import dev.mlportfolio.server.rag.LoadedRag;
import dev.mlportfolio.server.rag.RagService;
import dev.mlportfolio.server.routes.ImageAnalyzer;
import dev.mlportfolio.server.routes.ImageService;
import dev.mlportfolio.server.routes.RootService;
import dev.mlportfolio.server.tasks.InMemoryTaskQueue;
import dev.mlportfolio.server.tasks.TaskFailures;
import dev.mlportfolio.server.tasks.TaskHealth;
import dev.mlportfolio.server.tasks.TaskManager;
import dev.mlportfolio.server.tasks.TaskMeters;
import dev.mlportfolio.server.tasks.TaskQueue;
import dev.mlportfolio.server.tasks.TaskSettings;
import dev.mlportfolio.server.tasks.redis.RedisTaskQueue;
import dev.mlportfolio.server.tasks.TaskService;
import dev.mlportfolio.server.tracking.MlflowRunsService;
import dev.mlportfolio.server.tracking.ServerTracking;
import dev.mlportfolio.server.upload.ImageUploadReader;
import dev.mlportfolio.server.web.ApiDocs;
import dev.mlportfolio.server.web.Cors;
import dev.mlportfolio.server.web.SecurityHeaders;
import dev.mlportfolio.server.web.WebUi;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's parts wired together: settings in, a configured Helidon server out. Tests build one
 * the same way {@link Main} does, so what they check is what runs.
 */
public final class Application implements AutoCloseable {
    /** Bodies over {@code MAX_FILE_SIZE} plus this are refused by Helidon before routing, as a last guard. */
    static final long HARD_LIMIT_MARGIN = 1024 * 1024;
    static final Duration MIN_TRACKING_FLUSH = Duration.ofSeconds(2);

    private final ServerSettings settings;
    private final ServerMetrics metrics;
    private final ComputeExecutor compute;
    private final TaskManager tasks;
    private final LoadedDetector detector;
    private final LoadedRag rag;
    private final ServerTracking tracking;
    private final Optional<ImageAnalyzer> imageAnalyzer;
    private final Clock clock;
    private final HeaderTimeout headerTimeout;
    private final ConnectionCounter connectionCounter = new ConnectionCounter();
    private final AccessControl access;
    private final ErrorReporter errors;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Map<String, Set<String>> apiRoutes = Map.of();
    private volatile long drainStartedNanos;

    private Application(Builder builder) {
        this.settings = builder.settings;
        this.clock = builder.clock;
        // The detector loads while the meters are made (about 200 ms each in a start-up profile, one
        // after the other before). RAG starts loading on its own thread after the detector, so that the two
        // models' memory is measured apart and the server's readiness never waits for an index build.
        CompletableFuture<LoadedDetector> detectorLoad = builder.detector != null
                ? CompletableFuture.completedFuture(builder.detector)
                : CompletableFuture.supplyAsync(() -> LoadedDetector.load(settings),
                        work -> Thread.ofVirtual().name("detector-loader").start(work));
        this.metrics = new ServerMetrics();
        this.errors = SentryReporter.create(settings.sentryDsn(), settings.environment());
        this.compute = new ComputeExecutor(settings.computeThreads());
        this.detector = detectorLoad.join();   // a model that does not load is a LoadedDetector with its failure
        this.rag = builder.rag != null ? builder.rag : LoadedRag.load(settings);
        detector.failure().ifPresent(e -> errors.report(e, ErrorTags.model(detector.name())));
        rag.whenFailed((part, e) -> errors.report(e, ErrorTags.model(part)));
        this.tracking = ServerTracking.start(settings, metrics, builder.trackerSettings);
        tracking.registerModel(detector);
        this.imageAnalyzer = builder.imageAnalyzer != null ? Optional.of(builder.imageAnalyzer)
                : detector.detector().map(d -> new DetectionService(d, metrics, tracking, detector.sha256()));
        TaskSettings taskConfig = settings.tasks();
        TaskManager.Settings taskSettings = new TaskManager.Settings(taskConfig.workers(), taskConfig.queueSize(),
                taskConfig.resultTtl(), builder.sweepInterval != null ? builder.sweepInterval
                        : clamp(taskConfig.resultTtl().dividedBy(4), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                taskConfig.maxAttempts());
        this.tasks = new TaskManager(taskQueue(taskConfig, builder.consumerName, clock), taskSettings, clock,
                new TaskFailures(new TaskMeters(metrics), errors));
        metrics.modelMemory(detector::memoryBytes);
        metrics.modelMemory(rag::memoryBytes);
        TaskMeters.gauges(metrics, tasks);
        this.headerTimeout = new HeaderTimeout(settings.connections().headerTimeout(), metrics.registry());
        this.access = new AccessControl(settings.access(), rateLimiter(settings.access(), taskConfig), metrics.registry());
    }

    /** In memory, or shared through Redis when {@code REDIS_URL} is set. */
    private static TaskQueue taskQueue(TaskSettings settings, String consumerName, Clock clock) {
        if (settings.redisUrl().isEmpty()) {
            return new InMemoryTaskQueue(clock);
        }
        return new RedisTaskQueue(new RedisTaskQueue.Settings(settings.redisUrl().get(), settings.redisKeyPrefix(),
                settings.visibilityTimeout(), settings.workers() + 32,
                consumerName != null ? consumerName : RedisTaskQueue.uniqueConsumerName()), clock);
    }

    /** Buckets in Redis when replicas share one (a client's budget is then the same on every replica), else in memory. */
    private static RateLimiter rateLimiter(AccessSettings access, TaskSettings tasks) {
        if (access.rateLimits().isEmpty() || tasks.redisUrl().isEmpty()) {
            return RateLimiter.local(access.rateLimits());
        }
        return RateLimiter.shared(access.rateLimits(), tasks.redisUrl().get(), tasks.redisKeyPrefix());
    }

    public static Builder builder(ServerSettings settings) {
        return new Builder(settings);
    }

    public static Application create(ServerSettings settings) {
        return builder(settings).build();
    }

    /** Listener, limits, error pages and routes. */
    public void configure(WebServerConfig.Builder server) {
        ConnectionSettings connections = settings.connections();
        metrics.openConnections(connectionCounter::open);   // a server that only takes the routing counts requests in flight
        server.host(settings.host())
                .port(settings.port())
                .maxPayloadSize(settings.maxFileSize() + HARD_LIMIT_MARGIN)
                .maxTcpConnections(connections.maxConnections())
                // Answers are written in more than one piece (headers, then a body of some kilobytes); with
                // Nagle's algorithm on, the second waited for the client's delayed ACK: 40 ms per /metrics scrape.
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .idleConnectionTimeout(connections.idleTimeout())
                // Helidon refreshes its connection timestamps once a second, so a finer check gains nothing.
                .idleConnectionPeriod(Duration.ofSeconds(1))
                // HTTP/1 alone, configured here: a discovered default beside it would make Helidon pick
                // between two, and a request line it cannot read (HTTP/1.0) would then get no answer at all.
                // Its selector is built here, not from a protocol config, so its connections are counted.
                .protocolsDiscoverServices(false)
                .protocols(List.of())
                .addConnectionSelector(connectionCounter.counting(Http1ConnectionSelector.builder()
                        .config(Http1Config.builder()
                                .maxHeadersSize(connections.maxHeaderSize())
                                .addReceiveListener(headerTimeout.listener())
                                .build())
                        .build()))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                // Helidon's messages for requests it refuses before routing reach the JSON error
                // handlers, which decide what of them a client sees.
                .errorHandling(ErrorHandling.builder().includeEntity(true).build())
                .directHandlers(ErrorMapping.directHandlers())
                .routing(this::routing);
        Cors.feature(settings.cors()).ifPresent(server::addFeature);
    }

    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(new ConnectionCloseFilter());
        routing.addFilter(new RequestObserver(metrics));
        routing.addFilter(new SecurityHeaders());
        if (settings.cors().enabled()) {
            routing.addFilter(Cors.headerCheck());
        }
        ErrorMapping.register(routing, errors);

        TaskService taskService = new TaskService(tasks);
        HealthService health = new HealthService(List.of(
                detector,
                rag,
                tracking,
                new TaskHealth(tasks)), settings.environment(), this::ready, clock);

        ApiRoutes routes = new ApiRoutes(routing, access);
        new RootService(settings.environment()).routes(routes);
        health.routes(routes);
        new MetricsService(metrics).routes(routes);
        new ModelInfoService(settings, detector, tracking).routes(routes);
        new ImageService(new ImageUploadReader(settings.maxFileSize(), metrics), imageAnalyzer, detector.problem(),
                taskService, compute).routes(routes);
        taskService.routes(routes);
        new RagService(rag, metrics, taskService, compute, tracking).routes(routes);
        new MlflowRunsService(tracking).routes(routes);
        ApiDocs docs = new ApiDocs();
        docs.routes(routes);
        routes.finish();
        apiRoutes = routes.table();
        docs.pages(routing);
        WebUi.register(routing);
        tasks.start(); // after the services registered their task handlers
    }

    /** Ready while it takes new work; false from the moment shutdown begins. */
    public boolean ready() {
        return !draining.get() && tasks.accepting();
    }

    /** Every API path with the methods it answers (HEAD included), as registered; the pages under /ui and /docs are not in it. */
    public Map<String, Set<String>> apiRoutes() {
        return apiRoutes;
    }

    public ServerSettings settings() {
        return settings;
    }

    public LoadedRag rag() {
        return rag;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public AccessControl access() {
        return access;
    }

    public ErrorReporter errors() {
        return errors;
    }

    public TaskManager tasks() {
        return tasks;
    }

    public ServerTracking tracking() {
        return tracking;
    }

    /**
     * Stops taking tasks and waits for accepted ones within the shutdown grace period.
     *
     * @return true when every accepted task finished in time
     */
    public boolean drain() {
        if (!draining.getAndSet(true)) {
            drainStartedNanos = System.nanoTime();
        }
        return tasks.shutdown(settings.shutdownGracePeriod());
    }

    /**
     * Drains tasks, writes the queued tracking runs in what is left of the grace period (at least
     * {@link #MIN_TRACKING_FLUSH}, since finished tasks add runs too), then releases the models,
     * waiting up to the grace period for a RAG pipeline that is still loading.
     */
    @Override
    public void close() {
        drain();
        Duration left = settings.shutdownGracePeriod().minusNanos(System.nanoTime() - drainStartedNanos);
        tracking.close(left.compareTo(MIN_TRACKING_FLUSH) < 0 ? MIN_TRACKING_FLUSH : left);
        compute.close();
        headerTimeout.close();
        access.close();
        detector.close();
        rag.close(settings.shutdownGracePeriod());   // a load in progress is waited for: exiting under it crashes
        errors.close();
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    public static final class Builder {
        private final ServerSettings settings;
        private Clock clock = Clock.systemUTC();
        private ImageAnalyzer imageAnalyzer;
        private LoadedDetector detector;
        private LoadedRag rag;
        private Duration sweepInterval;
        private AsyncTracker.Settings trackerSettings;
        private String consumerName;

        private Builder(ServerSettings settings) {
            this.settings = settings;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** A detector opened by the caller instead of the one {@code MODEL_PATH} names. */
        public Builder detector(LoadedDetector value) {
            this.detector = value;
            return this;
        }

        /** A resume Q&amp;A pipeline built by the caller instead of the one the RAG_* settings describe. */
        public Builder rag(LoadedRag value) {
            this.rag = value;
            return this;
        }

        /** What the image endpoints run instead of the detector (tests of the task plumbing use this). */
        public Builder imageAnalyzer(ImageAnalyzer analyzer) {
            this.imageAnalyzer = analyzer;
            return this;
        }

        /** How often expired task records are swept; by default a quarter of the TTL, within 1 s to 1 min. */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = interval;
            return this;
        }

        /** Queue and retry settings of the MLflow writer (its queue size still comes from MLFLOW_QUEUE_SIZE). */
        public Builder trackerSettings(AsyncTracker.Settings value) {
            this.trackerSettings = value;
            return this;
        }

        /** This replica's name in the Redis consumer group; unique per process unless a test sets it. */
        public Builder consumerName(String value) {
            this.consumerName = value;
            return this;
        }

        public Application build() {
            return new Application(this);
        }
    }
}
