package dev.mlportfolio.server.connection;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after a response when the request or the response says
 * {@code Connection: close}, as HTTP/1.1 requires.
 *
 * <p>Helidon 4.5.0 sends the header but keeps reading the connection (helidon-io/helidon#12324,
 * fixed after 4.5.3, which Maven Central here does not serve): a client waits for an end of stream
 * that never comes, and after a 413 the unread rest of the body was parsed as a second request. The
 * rest of a body is read and dropped before closing (it is bounded by the listener's payload limit),
 * so the close does not reset the connection under a client that is still sending it and lose the
 * answer it is about to read.
 */
public final class ConnectionCloseFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            if (!req.content().consumed()) {
                try {
                    req.content().consume();
                } catch (RuntimeException e) {
                    // the client broke off; closing is all that is left
                }
            }
            throw new CloseConnectionException("Connection: close");
        }
    }
}
