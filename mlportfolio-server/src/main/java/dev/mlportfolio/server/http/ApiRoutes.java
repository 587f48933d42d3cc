package dev.mlportfolio.server.http;

import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.server.access.AccessControl;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers routes, each with the {@link Access} it asks of callers (an API key unless declared
 * public, and a rate budget on the expensive ones), and remembers which methods each path takes, so
 * that a known path asked with another method answers 405 with an {@code Allow} header instead of 404.
 */
public final class ApiRoutes {
    private static final HeaderName RATE_LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName RATE_REMAINING = HeaderNames.create("X-RateLimit-Remaining");

    private final HttpRules rules;
    private final AccessControl access;
    private final Map<String, Set<Method>> methods = new LinkedHashMap<>();

    public ApiRoutes(HttpRules rules, AccessControl access) {
        this.rules = rules;
        this.access = access;
    }

    /** A GET route that needs a key while keys are configured; it answers HEAD too. */
    public ApiRoutes get(String path, Handler handler) {
        return get(path, Access.KEYED, handler);
    }

    /** A GET route, which answers HEAD too: the same status and headers, without the body. */
    public ApiRoutes get(String path, Access rule, Handler handler) {
        Handler guarded = guarded(path, rule, handler);
        rules.get(path, guarded);
        rules.head(path, (req, res) -> guarded.handle(req, new HeadResponse(res)));
        remember(path, Method.GET);
        remember(path, Method.HEAD);
        return this;
    }

    /** A POST route that needs a key while keys are configured. */
    public ApiRoutes post(String path, Handler handler) {
        return post(path, Access.KEYED, handler);
    }

    public ApiRoutes post(String path, Access rule, Handler handler) {
        rules.post(path, guarded(path, rule, handler));
        remember(path, Method.POST);
        return this;
    }

    /** Adds the 405 answers; call once, after every route is registered. */
    public void finish() {
        methods.forEach((path, allowed) -> {
            String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
            rules.any(path, (req, res) -> {
                if (req.prologue().method() == Method.OPTIONS && res.headers().contains(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
                    // A CORS preflight the CORS feature's filter accepted: its OPTIONS route answers it.
                    res.next();
                    return;
                }
                throw new ApiException(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                        req.prologue().method().text() + " is not allowed on " + path + "; use " + allow,
                        Map.of("Allow", allow));
            });
        });
    }

    /** Each registered path with the methods it answers, in registration order. */
    public Map<String, Set<String>> table() {
        Map<String, Set<String>> table = new LinkedHashMap<>();
        methods.forEach((path, allowed) -> table.put(path,
                allowed.stream().map(Method::text).collect(Collectors.toCollection(LinkedHashSet::new))));
        return java.util.Collections.unmodifiableMap(table);
    }

    /** The key and the budget are checked before the handler reads a byte of the body. */
    private Handler guarded(String path, Access rule, Handler handler) {
        if (!access.checks(rule)) {
            return handler;
        }
        return (req, res) -> {
            AccessControl.Verdict verdict = access.check(path, rule,
                    () -> ((InetSocketAddress) req.remotePeer().address()).getAddress(),
                    () -> req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of), req.headers().first(HeaderNames.AUTHORIZATION));
            if (verdict instanceof AccessControl.Refused refused) {
                throw new ApiException(Status.create(refused.status()), refused.code(), refused.message(), refused.headers());
            }
            AccessControl.Allowed allowed = (AccessControl.Allowed) verdict;
            req.context().register(allowed.caller());
            allowed.budget().ifPresent(budget -> {
                res.header(RATE_LIMIT, Long.toString(budget.limit()));
                res.header(RATE_REMAINING, Long.toString(budget.remaining()));
            });
            handler.handle(req, res);
        };
    }

    private void remember(String path, Method method) {
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
    }
}
