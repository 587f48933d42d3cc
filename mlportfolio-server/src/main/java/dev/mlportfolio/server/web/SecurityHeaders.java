package dev.mlportfolio.server.web;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers that keep a browser from turning an answer into something else: no MIME sniffing, no
 * referrer sent on, and a Content-Security-Policy on every answer. The UI's policy allows only its
 * own scripts, styles and API (no inline script, nothing from elsewhere); the docs page also allows
 * the inline styles and data: images Swagger UI uses; API answers may not load or frame anything.
 */
public final class SecurityHeaders implements Filter {
    static final Header UI_POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    static final Header DOCS_POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    static final Header API_POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
    private static final Header NO_SNIFF = HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    private static final Header NO_REFERRER = HeaderValues.createCached(HeaderNames.create("Referrer-Policy"), "no-referrer");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().rawPath();
        res.header(NO_SNIFF);
        res.header(NO_REFERRER);
        res.header(path.startsWith("/ui") ? UI_POLICY : path.startsWith("/docs") ? DOCS_POLICY : API_POLICY);
        chain.proceed();
    }
}
