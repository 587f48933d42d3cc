package dev.mlportfolio.server.access;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Who sent a request, as the access guard found out: the client's address (the socket's peer, or
 * behind a trusted proxy the forwarded one) and the name of the API key it presented, if any.
 * Registered in the request's context for the routes that need it (task ownership).
 *
 * @param budgetKey what its rate limits are counted under: the key's name, else the address
 */
public record Caller(String address, Optional<String> keyName, String budgetKey) {

    public static Caller of(String address, String budgetAddress, Optional<String> keyName) {
        return new Caller(address, keyName, keyName.map(n -> "key:" + n).orElse("ip:" + budgetAddress));
    }

    /** The caller of a request the guard saw; an anonymous one for requests no guard wrapped. */
    public static Caller of(ServerRequest req) {
        return req.context().get(Caller.class).orElseGet(() -> Caller.of("unknown", "unknown", Optional.empty()));
    }
}
