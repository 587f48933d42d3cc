package dev.mlportfolio.server.web;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * The page people use, at {@code /ui/}: plain HTML, CSS and ES modules in the server jar (no build
 * step, nothing loaded from elsewhere), calling the same API as any client.
 */
public final class WebUi {
    static final String LOCATION = "dev/mlportfolio/server/web/ui";

    private WebUi() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.register("/ui", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(LOCATION)
                .welcome("index.html")
                .build()));
    }
}
