package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.detect.BinaryMask;
import dev.mlportfolio.core.detect.CocoRle;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.detect.DetectorOptions;
import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.core.image.PngBomb;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.testing.Scenes.Rect;
import dev.mlportfolio.server.TestSupport.Multipart;
import dev.mlportfolio.server.detection.LoadedDetector;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The image endpoints on the real detector pipeline, running the generated test model. */
@ServerTest
class DetectionRoutesTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static Application app;
    private final Http1Client client;

    DetectionRoutesTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        ServerSettings settings = TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(), "MAX_IMAGE_PIXELS", "20000000");
        app = Application.builder(settings)
                .detector(LoadedDetector.of(CutlerDetector.open(LoadedDetector.options(settings))))
                .build();
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void stillHealthy() {
        try (Http1ClientResponse res = client.get("/health/ready").request()) {
            assertEquals(Status.OK_200, res.status());
        }
    }

    @Test
    void detectsTheRectanglesOfAnUploadedPicture() throws Exception {
        int w = 1200;
        int h = 800;
        List<Rect> truth = Scenes.rects(Scenes.FOUR, w, h);
        try (Http1ClientResponse res = upload(client.post("/process-image"), Scenes.png(Scenes.draw(w, h, truth)))) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertTrue(body.get("success").asBoolean());
            assertEquals(4, body.get("num_instances").asInt());
            assertEquals(w, body.get("width").asInt());
            assertEquals(h, body.get("height").asInt());
            assertTrue(body.get("processing_time").asDouble() > 0);
            assertEquals("cpu", body.get("execution_provider").asText());
            assertEquals("0.35", body.get("threshold").asText(), "the threshold as given, without float32 noise");
            assertEquals("test-cutler-colors", body.get("model").asText(), "the model's name from its file");
            for (String stage : List.of("decode", "preprocess", "inference", "postprocess", "overlay")) {
                assertTrue(body.get("timings_ms").has(stage), stage);
            }
            for (Rect rect : truth) {
                JsonNode instance = closest(body.get("instances"), rect);
                JsonNode box = instance.get("box");
                assertTrue(Math.abs(box.get(0).asDouble() - rect.x0()) <= 2 && Math.abs(box.get(3).asDouble() - rect.y1()) <= 2,
                        box + " vs " + rect);
                JsonNode mask = instance.get("mask");
                assertEquals(h, mask.get("size").get(0).asInt());
                assertEquals(w, mask.get("size").get(1).asInt());
                BinaryMask decoded = new CocoRle(h, w, mask.get("counts").asText()).decode();
                assertEquals(instance.get("area").asLong(), decoded.area());
                assertTrue(iou(rect, decoded) >= 0.9, "mask IoU for " + rect);
            }
            byte[] overlay = Base64.getDecoder().decode(body.get("image").asText());
            assertEquals(ImageFormat.JPEG, ImageFormat.detect(overlay).orElseThrow());
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(overlay));
            assertEquals(w, picture.getWidth());
            assertEquals("jpeg", body.get("image_format").asText());
        }
    }

    @Test
    void rawBodiesWorkAndOptionsApply() {
        List<Rect> scene = List.of(new Rect(50, 50, 200, 150, 0x960000), new Rect(300, 200, 500, 400, Scenes.GREEN));
        byte[] png = Scenes.png(Scenes.draw(640, 480, scene));
        try (Http1ClientResponse res = client.post("/process-image").queryParam("threshold", "0.7")
                .queryParam("return_image", "false").header(HeaderNames.CONTENT_TYPE, "image/png").submit(png)) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals(1, body.get("num_instances").asInt(), "the dim rectangle scores 0.59, under 0.7");
            assertEquals("0.7", body.get("threshold").asText());
            assertFalse(body.has("image"), "no overlay when return_image=false");
        }
        try (Http1ClientResponse res = client.post("/process-image").queryParam("image_format", "png")
                .header(HeaderNames.CONTENT_TYPE, "image/png").submit(png)) {
            JsonNode body = json(res);
            assertEquals(2, body.get("num_instances").asInt());
            assertEquals(ImageFormat.PNG, ImageFormat.detect(Base64.getDecoder().decode(body.get("image").asText())).orElseThrow());
        }
    }

    @Test
    void noDetectionsIsANormalAnswer() {
        try (Http1ClientResponse res = upload(client.post("/process-image"), Scenes.png(Scenes.draw(300, 200, List.of())))) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals(0, body.get("num_instances").asInt());
            assertEquals(0, body.get("instances").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "-0.1", "NaN", ""})
    void badThresholdsAre400(String threshold) {
        try (Http1ClientResponse res = upload(client.post("/process-image").queryParam("threshold", threshold),
                Scenes.png(Scenes.draw(10, 10, List.of())))) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_parameter");
        }
    }

    @Test
    void badReturnImageAndFormatAre400() {
        try (Http1ClientResponse res = upload(client.post("/process-image").queryParam("return_image", "maybe"),
                Scenes.png(Scenes.draw(10, 10, List.of())))) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_parameter");
        }
        try (Http1ClientResponse res = upload(client.post("/process-image").queryParam("image_format", "gif"),
                Scenes.png(Scenes.draw(10, 10, List.of())))) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_parameter");
        }
    }

    @Test
    void aTruncatedJpegIs400() {
        byte[] jpeg = Scenes.jpeg(Scenes.draw(400, 300, Scenes.rects(Scenes.FOUR, 400, 300)), 0.9f, 0);
        try (Http1ClientResponse res = upload(client.post("/process-image"), Arrays.copyOf(jpeg, jpeg.length / 2))) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_image");
        }
    }

    @Test
    void aCorruptPngIs400() {
        byte[] png = Scenes.png(Scenes.draw(400, 300, Scenes.rects(Scenes.FOUR, 400, 300)));
        try (Http1ClientResponse res = upload(client.post("/process-image"), Arrays.copyOf(png, png.length - 40))) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_image");
        }
    }

    @Test
    void aDecompressionBombIs413BeforeDecoding() {
        try (Http1ClientResponse res = upload(client.post("/process-image"), PngBomb.declaring(30_000, 30_000))) {
            JsonNode body = assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "image_too_large");
            assertTrue(body.get("message").asText().contains("MAX_IMAGE_PIXELS"));
        }
        try (Http1ClientResponse res = upload(client.post("/process-image/async"), PngBomb.declaring(30_000, 30_000))) {
            assertError(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "image_too_large");
        }
    }

    @Test
    void textAndPdfDeclaredAsJpegAre415AndGifSvgToo() {
        for (byte[] bytes : List.of("plain text".getBytes(StandardCharsets.UTF_8), "%PDF-1.4\n".getBytes(StandardCharsets.UTF_8))) {
            try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, "image/jpeg").submit(bytes)) {
                assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "not_an_image");
            }
        }
        try (Http1ClientResponse res = upload(client.post("/process-image"), Scenes.write(Scenes.draw(5, 5, List.of()), "gif"))) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_image_format");
        }
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
        try (Http1ClientResponse res = upload(client.post("/process-image"), svg)) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_image_format");
        }
    }

    @Test
    void zeroBytesAndAWrongFieldAre400() {
        try (Http1ClientResponse res = upload(client.post("/process-image"), new byte[0])) {
            assertError(res, Status.BAD_REQUEST_400, "empty_file");
        }
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(new Multipart().part("picture", "a.png", "image/png", Scenes.png(Scenes.draw(4, 4, List.of()))).build())) {
            assertError(res, Status.BAD_REQUEST_400, "missing_file_field");
        }
    }

    @Test
    void tinyAndExtremeShapesWork() {
        for (BufferedImage picture : List.of(Scenes.draw(1, 1, List.of(new Rect(0, 0, 1, 1, Scenes.RED))),
                Scenes.draw(1, 5000, List.of(new Rect(0, 100, 1, 4000, Scenes.BLUE))),
                Scenes.draw(5000, 1, List.of()))) {
            try (Http1ClientResponse res = upload(client.post("/process-image"), Scenes.png(picture))) {
                assertEquals(Status.OK_200, res.status(), picture.getWidth() + "x" + picture.getHeight());
                assertEquals(picture.getWidth(), json(res).get("width").asInt());
            }
        }
    }

    @Test
    void greyscaleSixteenBitAlphaAndCmykPicturesWork() throws Exception {
        BufferedImage grey = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage deep = new BufferedImage(300, 200, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage alpha = new BufferedImage(300, 200, BufferedImage.TYPE_INT_ARGB);
        for (int y = 50; y < 150; y++) {
            for (int x = 50; x < 250; x++) {
                grey.getRaster().setSample(x, y, 0, 255);
                deep.getRaster().setSample(x, y, 0, 65535);
                alpha.setRGB(x, y, 0x80FF0000);
            }
        }
        byte[] cmyk;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/cmyk.jpg")) {
            cmyk = in.readAllBytes();
        }
        for (byte[] bytes : List.of(Scenes.png(grey), Scenes.png(deep), Scenes.png(alpha), cmyk)) {
            try (Http1ClientResponse res = upload(client.post("/process-image"), bytes)) {
                assertEquals(Status.OK_200, res.status());
                assertEquals(1, json(res).get("num_instances").asInt(), "the white or red region is found");
            }
        }
    }

    @Test
    void asyncDetectionLandsInTheTask() throws Exception {
        List<Rect> truth = Scenes.rects(Scenes.FOUR, 640, 480);
        String location;
        try (Http1ClientResponse res = upload(client.post("/process-image/async").queryParam("return_image", "false"),
                Scenes.png(Scenes.draw(640, 480, truth)))) {
            assertEquals(Status.ACCEPTED_202, res.status());
            location = res.headers().first(HeaderNames.LOCATION).orElseThrow();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode task = null;
        while (System.nanoTime() < deadline) {
            try (Http1ClientResponse res = client.get(location).request()) {
                task = json(res);
            }
            if (task.get("status").asText().equals("completed") || task.get("status").asText().equals("failed")) {
                break;
            }
            Thread.sleep(10);
        }
        assertEquals("completed", task.get("status").asText(), task.toString());
        assertEquals(4, task.get("result").get("num_instances").asInt());
        assertFalse(task.get("result").has("image"));
    }

    @Test
    void modelInfoAndHealthShowTheLoadedModel() {
        try (Http1ClientResponse res = client.get("/model/info").request()) {
            JsonNode info = json(res);
            assertTrue(info.get("loaded").asBoolean());
            assertEquals("cpu", info.get("execution_provider").asText());
            assertTrue(info.get("model_sha256").asText().matches("[0-9a-f]{64}"));
            assertTrue(info.get("message").isNull());
            assertEquals(20_000_000L, info.get("max_image_pixels").asLong());
        }
        try (Http1ClientResponse res = client.get("/health").request()) {
            JsonNode cutler = json(res).get("services").get("cutler");
            assertEquals("up", cutler.get("status").asText());
            assertEquals("cpu", cutler.get("details").get("execution_provider").asText());
        }
    }

    @Test
    void predictionsAreMetered() {
        upload(client.post("/process-image").queryParam("return_image", "false"), Scenes.png(Scenes.draw(64, 48, List.of()))).close();
        String metrics = client.get("/metrics").request(String.class).entity();
        assertTrue(metrics.contains("model_predictions_total{model_name=\"cutler\",status=\"success\"}"), metrics);
        assertTrue(metrics.contains("model_prediction_duration_seconds_bucket{model_name=\"cutler\",le=\"0.01\"}"));
        assertTrue(metrics.contains("model_stage_duration_seconds_count{model_name=\"cutler\",stage=\"inference\"}"));
    }

    private static Http1ClientResponse upload(Http1ClientRequest request, byte[] bytes) {
        return request.header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE).submit(Multipart.file("picture", null, bytes));
    }

    private static JsonNode closest(JsonNode instances, Rect rect) {
        JsonNode best = null;
        double bestError = Double.MAX_VALUE;
        for (JsonNode instance : instances) {
            JsonNode b = instance.get("box");
            double error = Math.abs(b.get(0).asDouble() - rect.x0()) + Math.abs(b.get(1).asDouble() - rect.y0())
                    + Math.abs(b.get(2).asDouble() - rect.x1()) + Math.abs(b.get(3).asDouble() - rect.y1());
            if (error < bestError) {
                bestError = error;
                best = instance;
            }
        }
        return best;
    }

    private static double iou(Rect rect, BinaryMask mask) {
        long inter = 0;
        long union = 0;
        for (int y = 0; y < mask.imageHeight(); y++) {
            for (int x = 0; x < mask.imageWidth(); x++) {
                boolean a = rect.contains(x, y);
                boolean b = mask.get(x, y);
                inter += a && b ? 1 : 0;
                union += a || b ? 1 : 0;
            }
        }
        return inter / (double) union;
    }
}
