package dev.mlportfolio.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reads request bodies with a byte limit that holds while streaming, not after the fact. */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** The declared media type of the request, if any. */
    public static Optional<HttpMediaType> contentType(ServerRequest req) {
        return req.headers().contentType();
    }

    /** Refuses at once, without reading, a body whose declared length is over {@code limit}. */
    public static void checkDeclaredLength(ServerRequest req, long limit, String what) {
        if (req.headers().contains(HeaderNames.CONTENT_LENGTH)) {
            long declared = req.headers().contentLength().orElse(0L);
            if (declared > limit) {
                throw ApiException.tooLarge(what + " is " + declared + " bytes; the limit is " + limit + " bytes");
            }
        }
    }

    /** Reads the whole body, failing with 413 as soon as more than {@code limit} bytes arrive. */
    public static byte[] readAtMost(ServerRequest req, long limit, String what) {
        checkDeclaredLength(req, limit, what);
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            return readAtMost(in, limit, what);
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(e);
        }
    }

    /** Reads a stream fully, failing with 413 as soon as more than {@code limit} bytes arrive. */
    public static byte[] readAtMost(InputStream in, long limit, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 64 * 1024));
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                throw ApiException.tooLarge(what + " is larger than the limit of " + limit + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The answer when the client's body breaks off or cannot be read. */
    public static ApiException unreadable(Exception cause) {
        return ApiException.badRequest("unreadable_body", "the request body could not be read completely: "
                + cause.getClass().getSimpleName());
    }

    /**
     * Reads a JSON object body.
     *
     * @throws ApiException 415 when the body is not declared as JSON, 413 when it is over {@code limit},
     *                      400 when it is not well-formed JSON or not an object
     */
    public static JsonNode readJsonObject(ServerRequest req, long limit) {
        HttpMediaType type = contentType(req).orElseThrow(() -> ApiException.unsupportedMediaType(
                "unsupported_media_type", "send the body as JSON with Content-Type: application/json"));
        String subtype = type.mediaType().subtype();
        if (!type.mediaType().type().equals("application") || !(subtype.equals("json") || subtype.endsWith("+json"))) {
            throw ApiException.unsupportedMediaType("unsupported_media_type",
                    "Content-Type " + type.mediaType().text() + " is not accepted here; send application/json");
        }
        byte[] body = readAtMost(req, limit, "the JSON body");
        if (body.length == 0) {
            throw ApiException.badRequest("invalid_json", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw ApiException.badRequest("invalid_json", "the request body is not valid JSON" + where
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("invalid_json", "the request body must be a JSON object, e.g. {\"query\": \"...\"}");
        }
        return node;
    }
}
