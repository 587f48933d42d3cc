package dev.mlportfolio.server.access;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Who sent a request, as the access guard found out: the name of the API key it presented, if any.
 * Registered in the request's context for the routes that need it (task ownership).
 */
public record Caller(Optional<String> keyName) {
    static final Caller ANONYMOUS = new Caller(Optional.empty());

    /** The caller of a request the guard checked; anonymous when nothing was checked (no keys configured). */
    public static Caller of(ServerRequest req) {
        return req.context().get(Caller.class).orElse(ANONYMOUS);
    }
}
