package dev.mlportfolio.server.web;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The API's contract and its docs page, as FastAPI serves them: {@code /openapi.json} and
 * {@code /openapi.yaml} (one hand-written OpenAPI 3.1 document, a resource of the server), and
 * {@code /docs}, Swagger UI from its Maven jar, served from here so the page works offline.
 *
 * <p>The document is written by hand rather than generated: the routes are plain Helidon handlers
 * with no annotations to generate from, and the contract test holds the document to what the
 * server answers (every route documented, every answer valid against its schema).
 */
public final class ApiDocs {
    static final String DOCUMENT = "/dev/mlportfolio/server/web/openapi.yaml";
    static final String PAGES = "dev/mlportfolio/server/web/docs";
    private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";
    private static final String SWAGGER_UI_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final byte[] yaml;
    private byte[] json;   // guarded by this; made once

    /**
     * Reads the document and starts turning it into JSON on a thread of its own: loading the YAML
     * parser and converting took about 280 ms in a start-up profile, which the server's start no longer waits for (a
     * request for the JSON in that time waits for it instead).
     */
    public ApiDocs() {
        this.yaml = resource(DOCUMENT);
        Thread.ofVirtual().name("openapi-json").start(this::json);
    }

    /** The document as JSON, converted on first use. */
    private synchronized byte[] json() {
        if (json == null) {
            try {
                json = Json.MAPPER.writeValueAsBytes(new YAMLMapper().readTree(yaml));
            } catch (IOException e) {
                throw new UncheckedIOException("the server's OpenAPI document does not parse", e);
            }
        }
        return json;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/openapi.json", Access.PUBLIC, document("application/json", this::json));
        routes.get("/openapi.yaml", Access.PUBLIC, document("application/yaml", () -> yaml));
    }

    private static Handler document(String contentType, Supplier<byte[]> body) {
        return (req, res) -> {
            byte[] bytes = body.get();
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            res.send(bytes);
        };
    }

    /** {@code /docs}: our page and its start-up script, and Swagger UI's files under {@code /docs/assets}. */
    public void pages(HttpRouting.Builder routing) {
        routing.register("/docs/assets", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(SWAGGER_UI + swaggerUiVersion())
                .build()));
        routing.register("/docs", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(PAGES)
                .welcome("index.html")
                .build()));
    }

    /** The webjar's version, from the Maven metadata inside it (its files sit under that version). */
    static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApiDocs.class.getResourceAsStream(SWAGGER_UI_POM)) {
            if (in == null) {
                throw new IllegalStateException("Swagger UI's jar (org.webjars:swagger-ui) is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
