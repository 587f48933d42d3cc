package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.TestSupport.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upload handling on {@code POST /process-image}: both body forms, the size limit while streaming, and content checks. */
@ServerTest
class UploadsTest {
    private static final int LIMIT = 64 * 1024;
    private static Application app;
    private final Http1Client client;
    private final int port;

    UploadsTest(Http1Client client, WebServer server) {
        this.client = client;
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Application.builder(TestSupport.settings("MAX_FILE_SIZE", Integer.toString(LIMIT)))
                .imageAnalyzer(new DecodingAnalyzer())
                .build();
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void serverStillHealthy() {
        try (Http1ClientResponse res = client.get("/health").request()) {
            assertEquals(Status.OK_200, res.status(), "the server keeps serving after bad input");
        }
    }

    @ParameterizedTest
    @CsvSource({"png,PNG", "jpeg,JPEG", "bmp,BMP", "tiff,TIFF"})
    void multipartImagesAreDecoded(String writer, String format) {
        byte[] image = TestSupport.image(writer, 40, 30);
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("photo", "image/" + writer, image))) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals(40, body.get("width").asInt());
            assertEquals(30, body.get("height").asInt());
            assertEquals(format, body.get("format").asText());
            assertEquals(image.length, body.get("bytes").asInt());
        }
    }

    @Test
    void rawImageBodiesAreAccepted() {
        byte[] png = TestSupport.image("png", 12, 7);
        for (String type : new String[] {"image/png", "image/jpeg", "application/octet-stream"}) {
            try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, type).submit(png)) {
                assertEquals(Status.OK_200, res.status(), "declared " + type);
                assertEquals("PNG", json(res).get("format").asText(), "the bytes decide the format, not the header");
            }
        }
    }

    @Test
    void otherFieldsAroundTheFileAreIgnored() {
        byte[] body = new Multipart()
                .part("note", null, null, "hello".getBytes(StandardCharsets.UTF_8))
                .part("file", "a.png", "image/png", TestSupport.image("png", 5, 5))
                .part("after", null, null, "more".getBytes(StandardCharsets.UTF_8))
                .build();
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(body)) {
            assertEquals(Status.OK_200, res.status());
        }
    }

    @Test
    void zeroBytesIsA400() {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/png")
                .submit(new byte[0])) {
            assertError(res, Status.BAD_REQUEST_400, "empty_file");
        }
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("empty.jpg", "image/jpeg", new byte[0]))) {
            assertError(res, Status.BAD_REQUEST_400, "empty_file");
        }
    }

    @Test
    void textOrPdfDeclaredAsJpegIsA415() {
        for (String content : new String[] {"just some text", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"}) {
            try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                    .submit(Multipart.file("x.jpg", "image/jpeg", content.getBytes(StandardCharsets.UTF_8)))) {
                JsonNode body = assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "not_an_image");
                assertTrue(body.get("message").asText().contains("image/jpeg"), "names the false claim: " + body);
            }
        }
    }

    @Test
    void gifAndSvgAreRecognisedAndRefused() {
        byte[] gif = TestSupport.image("gif", 4, 4);
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>".getBytes(StandardCharsets.UTF_8);
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/gif").submit(gif)) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_image_format");
        }
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("a.svg", "image/svg+xml", svg))) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_image_format");
        }
    }

    @Test
    void wrongFieldNameIsA400ThatNamesTheFieldsSeen() {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(new Multipart().part("image", "a.png", "image/png", TestSupport.image("png", 4, 4)).build())) {
            JsonNode body = assertError(res, Status.BAD_REQUEST_400, "missing_file_field");
            assertTrue(body.get("message").asText().contains("'image'"), body.toString());
        }
    }

    @Test
    void otherContentTypesAre415() {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"file\": \"x\"}")) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type");
        }
        try (Http1ClientResponse res = client.post("/process-image").submit(TestSupport.image("png", 4, 4))) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type");
        }
    }

    @Test
    void brokenMultipartIsA400() {
        byte[] body = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
                + "never closed").getBytes(StandardCharsets.UTF_8);
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(body)) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_multipart");
        }
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "multipart/form-data")
                .submit("no boundary")) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_multipart");
        }
    }

    @Test
    void aNulInTheFileNameIsA400AndTheServerKeepsServing() {
        byte[] body = new Multipart().part("file", "a\u0000b.png", "image/png", TestSupport.image("png", 8, 8)).build();
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(body)) {
            JsonNode error = assertError(res, Status.BAD_REQUEST_400, "invalid_file_name");
            assertFalse(error.get("message").asText().contains("\u0000"), "the NUL is not echoed: " + error);
        }
        try (Http1ClientResponse res = client.get("/health/live").request()) {
            assertEquals(Status.OK_200, res.status());
        }
    }

    @Test
    void aLongFileNameIsNotMistakenForALargeFile() {
        // commons-fileupload caps a part's headers at 512 bytes; a 600-character name is over that.
        String name = "x".repeat(600) + ".png";
        byte[] body = new Multipart().part("file", name, "image/png", TestSupport.image("png", 8, 8)).build();
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(body)) {
            JsonNode error = assertError(res, Status.BAD_REQUEST_400, "part_headers_too_large");
            assertTrue(error.get("message").asText().contains("512"), error.toString());
            assertFalse(error.get("message").asText().contains("MAX_FILE_SIZE"), error.toString());
        }
        String fine = "y".repeat(300) + ".png";
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(new Multipart().part("file", fine, "image/png", TestSupport.image("png", 8, 8)).build())) {
            assertFalse(res.status().code() == 400 || res.status().code() == 413, "a 300-character name is fine: " + res.status());
        }
    }

    @Test
    void oversizedRawBodyWithLengthIs413BeforeReading() {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/png")
                .submit(pngOfSize(LIMIT + 1))) {
            JsonNode body = assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large");
            assertTrue(body.get("message").asText().contains(Integer.toString(LIMIT)));
        }
    }

    @Test
    void oversizedRawBodyWithoutLengthIs413WhileStreaming() {
        byte[] big = pngOfSize(LIMIT * 3);
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/png")
                .outputStream(out -> {
                    for (int i = 0; i < big.length; i += 8192) {
                        out.write(big, i, Math.min(8192, big.length - i));
                    }
                    out.close();
                })) {
            assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large");
        }
    }

    @Test
    void oversizedMultipartWithLengthIs413() {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("big.png", "image/png", pngOfSize(LIMIT * 2)))) {
            assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large");
        }
    }

    @Test
    void oversizedFileInsideASmallEnoughMultipartIs413() {
        // The body fits the multipart allowance, but the file part alone is over MAX_FILE_SIZE.
        byte[] body = Multipart.file("big.png", "image/png", pngOfSize(LIMIT + 100));
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(body)) {
            assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large");
        }
    }

    @Test
    void oversizedMultipartWithoutLengthIs413WhileStreaming() {
        byte[] body = Multipart.file("big.png", "image/png", pngOfSize(LIMIT * 3));
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .outputStream(out -> {
                    out.write(body);
                    out.close();
                })) {
            assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large");
        }
    }

    @Test
    void bodiesBeyondTheHardLimitAreRefusedByTheListenerBeforeAnyBodyIsSent() throws Exception {
        long declared = LIMIT + Application.HARD_LIMIT_MARGIN + 1;
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /process-image HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("Content-Type: application/json"), answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            JsonNode json = dev.mlportfolio.server.http.Json.MAPPER.readTree(body);
            assertEquals("payload_too_large", json.get("error").asText());
        }
    }

    @Test
    void rejectedUploadsAreCounted() {
        client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/gif").submit(TestSupport.image("gif", 2, 2)).close();
        String metrics = client.get("/metrics").request(String.class).entity();
        assertTrue(metrics.contains("file_uploads_total{file_type=\"image/gif\",status=\"unsupported\"}"), metrics);
        assertTrue(metrics.contains("file_upload_size_bytes_count{file_type=\"image/png\"}"));
    }

    /** A valid PNG header followed by padding up to {@code size} bytes: passes the sniffing, fails only on size. */
    private static byte[] pngOfSize(int size) {
        byte[] png = TestSupport.image("png", 2, 2);
        byte[] padded = Arrays.copyOf(png, Math.max(size, png.length));
        return padded;
    }
}
