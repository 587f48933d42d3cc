package dev.mlportfolio.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a bare socket, for what an HTTP client library will not send (broken framing, HEAD
 * bodies, pipelined requests) and what it would hide (a second answer, a connection left open).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** One answer read off the wire. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * What came back on one connection.
     *
     * @param responses the final answers, in order (interim 1xx answers are skipped)
     * @param closed    whether the server closed the connection (end of stream) after them
     * @param rest      bytes after the last whole answer, which should be none
     */
    public record Exchange(List<Response> responses, boolean closed, byte[] rest) {
        public Response only() {
            if (responses.size() != 1 || rest.length > 0) {
                throw new AssertionError("expected exactly one answer, got " + responses.size() + " and "
                        + rest.length + " stray bytes: " + responses + " " + new String(rest, StandardCharsets.ISO_8859_1));
            }
            return responses.getFirst();
        }
    }

    /**
     * Sends {@code request} on a new connection, half-closes it (so the server sees the end of what the
     * client will send), and reads until the server closes or {@code waitMillis} passes without a byte.
     *
     * @param headRequests how many of the answers belong to HEAD requests (they have no body)
     */
    public static Exchange exchange(int port, byte[] request, int waitMillis, boolean halfClose, int headRequests)
            throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(waitMillis);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean closed = readUntilQuiet(socket.getInputStream(), received);
            return parse(received.toByteArray(), closed, headRequests);
        }
    }

    public static Exchange exchange(int port, String request, int waitMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), waitMillis, false, 0);
    }

    private static boolean readUntilQuiet(InputStream in, ByteArrayOutputStream received) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                received.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server: closed as well
        }
    }

    static Exchange parse(byte[] bytes, boolean closed, int headRequests) {
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
            if (end < 0) {
                break;
            }
            String[] lines = new String(bytes, at, end - at, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                break;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            int bodyStart = end + 4;
            int length = responses.size() < headRequests ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            if (headers.containsKey("transfer-encoding")) {
                int chunkedEnd = chunkedEnd(bytes, bodyStart);
                if (chunkedEnd < 0) {
                    break;
                }
                length = chunkedEnd - bodyStart;
            }
            if (bodyStart + length > bytes.length) {
                break;
            }
            int status = Integer.parseInt(statusLine[1]);
            if (status >= 100 && status < 200) {
                at = bodyStart; // an interim answer (100 Continue): the final one follows
                continue;
            }
            byte[] body = java.util.Arrays.copyOfRange(bytes, bodyStart, bodyStart + length);
            responses.add(new Response(status, headers, body));
            at = bodyStart + length;
        }
        return new Exchange(responses, closed, java.util.Arrays.copyOfRange(bytes, at, bytes.length));
    }

    // The end of a chunked body (after its last CRLF), or -1 when it is not all there.
    private static int chunkedEnd(byte[] bytes, int at) {
        while (true) {
            int lineEnd = indexOf(bytes, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                return -1;
            }
            int size = Integer.parseInt(new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            at = lineEnd + 2 + size + 2;
            if (size == 0) {
                return at <= bytes.length ? at : -1;
            }
        }
    }

    private static int indexOf(byte[] bytes, byte[] needle, int from) {
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
