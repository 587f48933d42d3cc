package dev.mlportfolio.server.http;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The response a GET handler writes to when it answers HEAD: status and headers go out as they
 * would for GET, {@code Content-Length} says how long the body would be, and the body is dropped.
 *
 * <p>Helidon 4.5.0 routes HEAD only where a handler is registered for it and then writes whatever
 * entity the handler sends, which would put a body on the wire where a client expects none. With
 * a {@code Content-Length} header already set, Helidon writes the header as it is, so sending an
 * empty entity after it is a correct HEAD answer that keeps the connection usable.
 */
final class HeadResponse implements ServerResponse {
    private static final byte[] NONE = new byte[0];

    private final ServerResponse delegate;

    HeadResponse(ServerResponse delegate) {
        this.delegate = delegate;
    }

    @Override
    public void send(byte[] bytes) {
        delegate.contentLength(bytes.length);
        delegate.send(NONE);
    }

    @Override
    public void send(Object entity) {
        switch (entity) {
            case byte[] bytes -> send(bytes);
            case String text -> send(text.getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("a HEAD answer takes bytes or text, not " + entity.getClass());
        }
    }

    @Override
    public void send() {
        delegate.send();
    }

    /** Collects what the handler streams, so the length is known when it closes the stream. */
    @Override
    public OutputStream outputStream() {
        return new ByteArrayOutputStream() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    HeadResponse.this.send(toByteArray());
                }
            }
        };
    }

    @Override
    public ServerResponse status(Status status) {
        delegate.status(status);
        return this;
    }

    @Override
    public Status status() {
        return delegate.status();
    }

    @Override
    public ServerResponse header(Header header) {
        delegate.header(header);
        return this;
    }

    @Override
    public boolean isSent() {
        return delegate.isSent();
    }

    @Override
    public long bytesWritten() {
        return delegate.bytesWritten();
    }

    @Override
    public ServerResponse beforeSend(Runnable listener) {
        delegate.beforeSend(listener);
        return this;
    }

    @Override
    public ServerResponse whenSent(Runnable listener) {
        delegate.whenSent(listener);
        return this;
    }

    @Override
    public ServerResponse reroute(String newPath) {
        delegate.reroute(newPath);
        return this;
    }

    @Override
    public ServerResponse reroute(String path, UriQuery query) {
        delegate.reroute(path, query);
        return this;
    }

    @Override
    public ServerResponse next() {
        delegate.next();
        return this;
    }

    @Override
    public ServerResponseHeaders headers() {
        return delegate.headers();
    }

    @Override
    public ServerResponseTrailers trailers() {
        return delegate.trailers();
    }

    @Override
    public void streamResult(String result) {
        delegate.streamResult(result);
    }

    @Override
    public void streamFilter(UnaryOperator<OutputStream> filterFunction) {
        delegate.streamFilter(filterFunction);
    }
}
