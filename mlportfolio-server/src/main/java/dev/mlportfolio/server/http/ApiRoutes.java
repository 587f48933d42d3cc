package dev.mlportfolio.server.http;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers routes and remembers which methods each path takes, so that a known path asked with
 * another method answers 405 with an {@code Allow} header instead of 404.
 */
public final class ApiRoutes {
    private final HttpRules rules;
    private final Map<String, Set<Method>> methods = new LinkedHashMap<>();

    public ApiRoutes(HttpRules rules) {
        this.rules = rules;
    }

    /** A GET route, which answers HEAD too: the same status and headers, without the body. */
    public ApiRoutes get(String path, Handler handler) {
        rules.get(path, handler);
        rules.head(path, (req, res) -> handler.handle(req, new HeadResponse(res)));
        remember(path, Method.GET);
        remember(path, Method.HEAD);
        return this;
    }

    public ApiRoutes post(String path, Handler handler) {
        rules.post(path, handler);
        remember(path, Method.POST);
        return this;
    }

    /** Adds the 405 answers; call once, after every route is registered. */
    public void finish() {
        methods.forEach((path, allowed) -> {
            String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
            rules.any(path, (req, res) -> {
                throw new ApiException(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                        req.prologue().method().text() + " is not allowed on " + path + "; use " + allow,
                        Map.of("Allow", allow));
            });
        });
    }

    private void remember(String path, Method method) {
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
    }
}
