package dev.mlportfolio.server.metrics;

import dev.mlportfolio.server.http.ApiRoutes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;

/** {@code GET /metrics}: the Prometheus text exposition. */
public final class MetricsService {
    private final ServerMetrics metrics;

    public MetricsService(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/metrics", (req, res) -> {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(metrics.scrape());
        });
    }
}
