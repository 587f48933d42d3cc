package dev.mlportfolio.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.EOFException;
import java.io.FilterInputStream;
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
        try (InputStream in = stream(req)) {
            return readAtMost(in, limit, what);
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(e);
        }
    }

    /**
     * The body as a stream whose framing errors are IOExceptions. Helidon 4.5.0 decodes chunk sizes
     * with {@code Integer.parseUnsignedInt} and lets its NumberFormatException through, and reports a
     * body cut short by the client with a RuntimeException of its own; both would end as a 500.
     */
    public static InputStream stream(ServerRequest req) {
        return new FilterInputStream(req.content().inputStream()) {
            @Override
            public int read() throws IOException {
                return framed(super::read);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return framed(() -> super.read(b, off, len));
            }

            @Override
            public void close() throws IOException {
                framed(() -> {
                    super.close();
                    return 0;
                });
            }
        };
    }

    private interface Read {
        int call() throws IOException;
    }

    private static int framed(Read read) throws IOException {
        try {
            return read.call();
        } catch (NumberFormatException e) {
            throw new MalformedBodyException(e);
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new EOFException("the body ended before its declared length");
        }
    }

    /** A chunked body whose chunk size line is not a hexadecimal number. */
    public static final class MalformedBodyException extends IOException {
        MalformedBodyException(Throwable cause) {
            super("malformed chunk size", cause);
        }
    }

    /**
     * Reads a stream fully, failing with 413 as soon as more than {@code limit} bytes arrive. Reads
     * at most one byte past the limit; {@code readNBytes} grows its buffers with what arrives (8 KiB
     * at a time), where a buffer sized for the limit made every 50-byte question allocate 80 KB
     * (an allocation profile of {@code /rag/query}: about an eighth of its garbage).
     */
    public static byte[] readAtMost(InputStream in, long limit, String what) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 16) + 1);
        if (body.length > limit) {
            throw ApiException.tooLarge(what + " is larger than the limit of " + limit + " bytes");
        }
        return body;
    }

    /** The answer when the client's body breaks off or cannot be read. */
    public static ApiException unreadable(Exception cause) {
        if (cause instanceof MalformedBodyException) {
            return ApiException.badRequest("malformed_chunked_body",
                    "the chunked request body has a chunk size that is not a hexadecimal number");
        }
        return ApiException.badRequest("unreadable_body",
                "the request body could not be read completely: the connection broke off or the body is shorter than declared");
    }

    // Jackson's own texts are mostly fine to show, but its limits name the Java method that sets
    // them ("from `StreamReadConstraints.getMaxNestingDepth()`"), and a long input is quoted back.
    private static String problem(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "it nests deeper, or holds a number or a name longer, than the parser allows";
        }
        String text = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        text = text.replaceAll("\\s*\\(from `[^`]*`\\)", "").replaceAll("`[^`]*`", "a value");
        int end = text.indexOf('\n');
        text = end >= 0 ? text.substring(0, end) : text;
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
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
                    + ": " + problem(e));
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("invalid_json", "the request body must be a JSON object, e.g. {\"query\": \"...\"}");
        }
        return node;
    }
}
