package dev.mlportfolio.server.access;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether a request may run: the API key when the route needs one, then the caller's rate
 * budget. Knows nothing of HTTP routing; {@code ApiRoutes} asks it before every handler and turns a
 * refusal into the JSON error.
 */
public final class AccessControl implements AutoCloseable {
    static final String BEARER = "bearer ";

    /** The request may run; {@code budget} is what is left of the caller's rate budget, when it has one. */
    public record Allowed(Caller caller, Optional<RateLimiter.Decision> budget) implements Verdict {
    }

    /** The request may not run, answered with this status, code, message and headers. */
    public record Refused(int status, String code, String message, Map<String, String> headers) implements Verdict {
    }

    public sealed interface Verdict permits Allowed, Refused {
    }

    private final ApiKeys keys;
    private final ClientAddress addresses;
    private final RateLimiter limiter;
    private final Counter refused;

    public AccessControl(AccessSettings settings, RateLimiter limiter, PrometheusRegistry registry) {
        this.keys = settings.apiKeys();
        this.addresses = new ClientAddress(settings.trustedProxies());
        this.limiter = limiter;
        this.refused = Counter.builder()
                .name("http_requests_refused_total")
                .help("Requests refused before their handler ran: reason is missing_api_key, invalid_api_key or rate_limited")
                .labelNames("endpoint", "reason")
                .register(registry);
    }

    /**
     * Whether requests to a route with this rule are checked at all: not while no keys are
     * configured and the route has no rate limit (the common case, and {@code /health}'s), so
     * those requests pay nothing here.
     */
    public boolean checks(Access access) {
        return keys.enabled() || access.budget().filter(limiter::limits).isPresent();
    }

    /**
     * @param route          the route template, for the metric
     * @param peer           the socket's remote address (read only when a rate limit applies)
     * @param forwardedFor   every {@code X-Forwarded-For} value, in order (read only when a rate limit applies)
     * @param authorization  the {@code Authorization} header, if sent
     */
    public Verdict check(String route, Access access, Supplier<InetAddress> peer, Supplier<List<String>> forwardedFor,
                         Optional<String> authorization) {
        Optional<String> keyName = Optional.empty();
        if (keys.enabled()) {
            Optional<String> token = authorization.filter(h -> h.length() > BEARER.length()
                    && h.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER))
                    .map(h -> h.substring(BEARER.length()).strip());
            keyName = token.flatMap(keys::match);
            if (access.needsKey() && keyName.isEmpty()) {
                return token.isEmpty()
                        ? refuse(route, 401, "missing_api_key", route + " needs an API key: send it as 'Authorization: Bearer <key>'",
                        Map.of("WWW-Authenticate", "Bearer realm=\"mlportfolio\""))
                        : refuse(route, 401, "invalid_api_key", "the API key sent is not one this server accepts",
                        Map.of("WWW-Authenticate", "Bearer realm=\"mlportfolio\", error=\"invalid_token\""));
            }
        }
        Caller caller = new Caller(keyName);
        if (access.budget().isEmpty() || !limiter.limits(access.budget().get())) {
            return new Allowed(caller, Optional.empty());
        }
        RateGroup group = access.budget().get();
        // A client's budget is its key's when it sent one, else its address's.
        String budgetKey = keyName.map(n -> "key:" + n)
                .orElseGet(() -> "ip:" + ClientAddress.budgetAddress(addresses.resolve(peer.get(), forwardedFor.get())));
        Optional<RateLimiter.Decision> decision = limiter.take(group, budgetKey);
        if (decision.isPresent() && !decision.get().allowed()) {
            RateLimit limit = limiter.settings().get(group);
            return refuse(route, 429, "rate_limited", "too many " + group.id() + " requests from this client: at most "
                            + limit.requests() + " per " + limit.period().toSeconds() + " s; retry after "
                            + decision.get().retryAfterSeconds() + " s",
                    Map.of("Retry-After", Long.toString(decision.get().retryAfterSeconds()),
                            "X-RateLimit-Limit", Long.toString(decision.get().limit()),
                            "X-RateLimit-Remaining", "0"));
        }
        return new Allowed(caller, decision);
    }

    private Refused refuse(String route, int status, String code, String message, Map<String, String> headers) {
        refused.labelValues(route, code).inc();
        return new Refused(status, code, message, headers);
    }

    /** For the start-up log: what is enforced. */
    public String describe() {
        String keyPart = keys.enabled() ? keys.size() + " API key(s) required on non-public routes" : "no API keys";
        String limitPart = limiter.settings().isEmpty() ? "no rate limits"
                : "rate limits " + limiter.settings() + " per client, buckets " + limiter.where();
        return keyPart + "; " + limitPart;
    }

    @Override
    public void close() {
        limiter.close();
    }
}
