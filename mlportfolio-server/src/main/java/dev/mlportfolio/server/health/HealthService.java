package dev.mlportfolio.server.health;

import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.core.Version;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health} (everything, 200 while the server can serve), {@code /health/live} (the process
 * answers) and {@code /health/ready} (it takes new work). Nothing here runs inference.
 */
public final class HealthService {
    /** The body of {@code /health}. */
    public record Report(String status, Instant timestamp, String version, String environment,
                         double uptimeSeconds, Map<String, ComponentHealth> services) {
    }

    /** The body of {@code /health/live} and {@code /health/ready}. */
    public record Probe(String status, Instant timestamp) {
    }

    private final List<HealthContributor> contributors;
    private final String environment;
    private final BooleanSupplier ready;
    private final Clock clock;
    private final Instant startedAt;

    public HealthService(List<HealthContributor> contributors, String environment, BooleanSupplier ready, Clock clock) {
        this.contributors = List.copyOf(contributors);
        this.environment = environment;
        this.ready = ready;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public void routes(ApiRoutes routes) {
        routes.get("/health", Access.PUBLIC, this::health)
                .get("/health/live", Access.PUBLIC, this::live)
                .get("/health/ready", Access.PUBLIC, this::ready);
    }

    /** Runs every check; the status is unhealthy when a required part is down, degraded when any part is not up. */
    public Report report() {
        Map<String, ComponentHealth> services = new LinkedHashMap<>();
        boolean requiredDown = false;
        boolean allUp = true;
        for (HealthContributor contributor : contributors) {
            ComponentHealth health = contributor.check();
            services.put(contributor.name(), health);
            allUp &= health.status() == ComponentHealth.Status.UP;
            requiredDown |= contributor.required() && health.status() == ComponentHealth.Status.DOWN;
        }
        Instant now = clock.instant();
        String status = requiredDown ? "unhealthy" : allUp ? "healthy" : "degraded";
        return new Report(status, now, Version.current(), environment,
                Duration.between(startedAt, now).toMillis() / 1000.0, services);
    }

    private void health(ServerRequest req, ServerResponse res) {
        Report report = report();
        Json.send(res, report.status().equals("unhealthy") ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200, report);
    }

    private void live(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.OK_200, new Probe("alive", clock.instant()));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean isReady = ready.getAsBoolean();
        Json.send(res, isReady ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                new Probe(isReady ? "ready" : "draining", clock.instant()));
    }
}
