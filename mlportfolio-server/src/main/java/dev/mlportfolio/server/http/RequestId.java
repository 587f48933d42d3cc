package dev.mlportfolio.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.util.UUID;
import java.util.regex.Pattern;

/** The id that ties a request's log line, task record and tracking tags together ({@code X-Request-Id}). */
public record RequestId(String value) {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    /** The client's id when it is a sane token, otherwise a new random one. */
    static RequestId fromHeader(String header) {
        return header != null && ACCEPTED.matcher(header).matches() ? new RequestId(header) : new RequestId(UUID.randomUUID().toString());
    }

    /** The id the request observer gave this request. */
    public static String of(ServerRequest req) {
        return req.context().get(RequestId.class).map(RequestId::value).orElse("-");
    }
}
