package dev.mlportfolio.server.http;

import dev.mlportfolio.server.logging.AccessLogEntry;
import dev.mlportfolio.server.logging.LogSetup;
import dev.mlportfolio.server.metrics.ServerMetrics;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wraps every routed request: assigns the request id, stamps {@code X-Process-Time}, records the
 * HTTP meters under the route template (never the raw path) and writes the access-log line.
 */
public final class RequestObserver implements Filter {
    public static final HeaderName PROCESS_TIME = HeaderNames.create("X-Process-Time");
    private static final HeaderName REQUEST_ID = HeaderNames.create(RequestId.HEADER);
    /** The endpoint label of requests no route matched, so unknown paths cannot grow the label set. */
    static final String UNMATCHED = "unmatched";
    private static final Logger ACCESS = Logger.getLogger(LogSetup.ACCESS_LOGGER);

    private final ServerMetrics metrics;

    public RequestObserver(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        RequestId id = RequestId.fromHeader(req.headers().first(REQUEST_ID).orElse(null));
        req.context().register(id);
        res.header(REQUEST_ID, id.value());
        res.beforeSend(() -> res.header(PROCESS_TIME, seconds(System.nanoTime() - start)));
        metrics.requestStarted();
        try {
            chain.proceed();
        } finally {
            double elapsed = (System.nanoTime() - start) / 1e9;
            String method = req.prologue().method().text();
            String route = route(req);
            int status = res.status().code();
            metrics.requestFinished(method, route, status, elapsed);
            if (ACCESS.isLoggable(Level.INFO)) {
                ACCESS.log(Level.INFO, "{0}", new AccessLogEntry(method, route, req.path().rawPath(), status,
                        Math.round(elapsed * 10_000) / 10.0, id.value()));
            }
        }
    }

    /** The route template a request matched, or {@value #UNMATCHED}: the label meters and error reports use. */
    static String route(io.helidon.webserver.http.ServerRequest req) {
        return req.matchingPattern().filter(p -> !p.isEmpty()).orElse(UNMATCHED);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }
}
