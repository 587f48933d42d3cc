package dev.mlportfolio.server.web;

import dev.mlportfolio.server.http.ApiException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.cors.CorsFeature;
import io.helidon.webserver.cors.CorsPathConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cross-origin access for browser pages on other origins, through Helidon's CORS feature: preflights
 * are answered for the API's methods and the headers a client sends, and the headers a client reads
 * are exposed. Credentials (cookies) are never allowed: the API authenticates with a bearer key.
 * Turned on by {@code CORS_ALLOWED_ORIGINS}; off, the server sends no CORS header at all.
 */
public final class Cors {
    /** Request headers a page may send: JSON bodies, API keys and its own request id. */
    static final String[] ALLOWED_HEADERS = {"Content-Type", "Authorization", "X-Request-Id"};
    /** Response headers a page may read: ids, timing, where an async task is, and the rate budget. */
    static final String[] EXPOSED_HEADERS = {"X-Request-Id", "X-Process-Time", "Location", "Retry-After",
            "X-RateLimit-Limit", "X-RateLimit-Remaining"};
    static final Duration MAX_AGE = Duration.ofMinutes(10);

    private static final Set<String> ALLOWED = allowed();

    private Cors() {
    }

    /** The feature to add to the server, or empty when no origin is allowed (then no CORS header is ever sent). */
    public static Optional<CorsFeature> feature(CorsOrigins origins) {
        if (!origins.enabled()) {
            return Optional.empty();
        }
        CorsPathConfig.Builder path = CorsPathConfig.builder()
                .pathPattern("/*")
                .clearAllowOrigins()
                .clearAllowHeaders()
                .clearAllowMethods()
                .allowMethods(Set.of("GET", "HEAD", "POST"))
                // Every header as far as Helidon is concerned: Helidon 4.5.0 splits Access-Control-Request-Headers
                // on ", " only, and browsers send "content-type,x-request-id", which it then refuses as one
                // unknown header. HeaderCheck below holds preflights to ALLOWED_HEADERS instead.
                .addAllowHeader("*")
                .exposeHeaders(Set.of(EXPOSED_HEADERS))
                .allowCredentials(false)
                .maxAge(MAX_AGE);
        if (origins.any()) {
            path.addAllowOrigin("*");
        } else {
            // Literal origins: Helidon treats an entry with '*', '\' or braces as a regular expression.
            origins.origins().forEach(path::addAllowOrigin);
        }
        return Optional.of(CorsFeature.builder()
                .enabled(true)
                .addDefaults(false)
                .addPath(path.build())
                .build());
    }

    /** The filter that refuses a preflight asking for a header outside {@link #ALLOWED_HEADERS}; add it with the feature. */
    public static Filter headerCheck() {
        return new HeaderCheck();
    }

    private static Set<String> allowed() {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(Set.of(ALLOWED_HEADERS));
        return names;
    }

    private static final class HeaderCheck implements Filter {
        private static final HeaderName REQUEST_HEADERS = HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS;

        @Override
        public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
            if (req.prologue().method() == Method.OPTIONS && req.headers().contains(REQUEST_HEADERS)) {
                for (String value : req.headers().get(REQUEST_HEADERS).allValues()) {
                    for (String name : value.split(",")) {
                        String header = name.strip();
                        if (!header.isEmpty() && !ALLOWED.contains(header)) {
                            throw new ApiException(Status.FORBIDDEN_403, "cors_header_not_allowed", "header '"
                                    + header.toLowerCase(Locale.ROOT) + "' may not be sent cross-origin; allowed: "
                                    + String.join(", ", ALLOWED_HEADERS));
                        }
                    }
                }
            }
            chain.proceed();
        }
    }
}
