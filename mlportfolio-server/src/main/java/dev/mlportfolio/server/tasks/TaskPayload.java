package dev.mlportfolio.server.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mlportfolio.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * What a task needs to run, as data rather than a closure, so that it can wait in a shared queue
 * and run on whichever replica claims it: the request's options as JSON, and an optional binary
 * part (the uploaded image).
 *
 * @param params options and inputs, as the route checked them
 * @param data   the bytes that travel with the task (an upload); empty when there are none
 */
public record TaskPayload(JsonNode params, byte[] data) {
    private static final byte[] NONE = new byte[0];

    public TaskPayload {
        params = params == null ? JsonNodeFactory.instance.objectNode() : params;
        data = data == null ? NONE : data;
    }

    public static TaskPayload of(JsonNode params) {
        return new TaskPayload(params, NONE);
    }

    /** One byte array: the length of the params' JSON (4 bytes, big-endian), that JSON, then the data. */
    public byte[] encode() {
        byte[] json = Json.bytes(params);
        return ByteBuffer.allocate(4 + json.length + data.length).putInt(json.length).put(json).put(data).array();
    }

    /** The inverse of {@link #encode()}. */
    public static TaskPayload decode(byte[] encoded) {
        ByteBuffer buffer = ByteBuffer.wrap(encoded);
        int jsonLength = buffer.getInt();
        if (jsonLength < 0 || jsonLength > buffer.remaining()) {
            throw new IllegalArgumentException("not an encoded task payload");
        }
        byte[] json = new byte[jsonLength];
        buffer.get(json);
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        try {
            return new TaskPayload(Json.MAPPER.readTree(json), data);
        } catch (IOException e) {
            throw new UncheckedIOException("a task payload's options are not JSON", e);
        }
    }
}
