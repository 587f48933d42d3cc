package dev.mlportfolio.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.RequestBodies;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.regex.Pattern;

/**
 * {@code /rag/info}, {@code /rag/health} and {@code POST /rag/query}. Questions are checked in
 * full here; answering them needs the RAG pipeline, and until it is present these answer 503.
 */
public final class RagService {
    static final int MAX_QUERY_CHARS = 1000;
    static final int MAX_TOP_K = 50;
    static final long MAX_BODY_BYTES = 16 * 1024;
    // Tab, line feed and carriage return are fine in a question; other control characters are not.
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");

    /** A checked {@code POST /rag/query} body. */
    public record RagQuery(String query, boolean includeMetadata, Integer topK, boolean stream) {
    }

    private final String unavailableMessage;

    public RagService(String unavailableMessage) {
        this.unavailableMessage = unavailableMessage;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/rag/info", this::unavailable)
                .get("/rag/health", this::unavailable)
                .post("/rag/query", this::query);
    }

    private void unavailable(ServerRequest req, ServerResponse res) {
        throw ApiException.unavailable("rag_unavailable", unavailableMessage);
    }

    private void query(ServerRequest req, ServerResponse res) {
        parse(RequestBodies.readJsonObject(req, MAX_BODY_BYTES));
        throw ApiException.unavailable("rag_unavailable", unavailableMessage);
    }

    /** Checks a query body: types, lengths and characters. */
    public static RagQuery parse(JsonNode body) {
        JsonNode query = body.get("query");
        if (query == null || query.isNull()) {
            throw ApiException.unprocessable("field 'query' is required: the question to answer, 1 to "
                    + MAX_QUERY_CHARS + " characters");
        }
        if (!query.isTextual()) {
            throw ApiException.unprocessable("field 'query' must be a string, not " + kind(query));
        }
        String text = query.textValue();
        if (text.isBlank()) {
            throw ApiException.unprocessable("field 'query' is empty; ask a question");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > MAX_QUERY_CHARS) {
            throw ApiException.unprocessable("field 'query' has " + chars + " characters; the limit is " + MAX_QUERY_CHARS);
        }
        if (CONTROL.matcher(text).find()) {
            throw ApiException.unprocessable("field 'query' contains control characters; send plain text");
        }
        return new RagQuery(text.strip(), bool(body, "include_metadata"), topK(body), bool(body, "stream"));
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.unprocessable("field '" + field + "' must be true or false, not " + kind(node));
        }
        return node.booleanValue();
    }

    private static Integer topK(JsonNode body) {
        JsonNode node = body.get("top_k");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_TOP_K) {
            throw ApiException.unprocessable("field 'top_k' must be a whole number from 1 to " + MAX_TOP_K);
        }
        return node.intValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
