package dev.mlportfolio.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

final class RequestObserverHeaders {
    static final HeaderName PROCESS_TIME = HeaderNames.create("X-Process-Time");
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    private RequestObserverHeaders() {
    }
}
