package dev.mlportfolio.core.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real CutLER graph without PyTorch: fixtures recorded by scripts/reference/parity.py from
 * CutLER's own predictor (its Cascade Mask R-CNN with seeded random weights, detectron2 built from
 * source). For each picture: detectron2's input tensor, the raw outputs of its model (boxes,
 * scores and 28x28 mask probabilities, before post-processing) and its final instances at
 * thresholds 0 and 0.35. This project's preprocessing must give the same tensor bit for bit, and
 * its post-processing, from the same raw outputs, the same instances (boxes within 0.01 px,
 * scores exact, mask IoU at least 0.999).
 *
 * <p>What this cannot check: ONNX Runtime against PyTorch (the graph itself; that needs the
 * exported file, 287 MB, and is what parity.py's "graph" rows measure).
 */
class CutlerReferenceFixtureTest {
    private static final String FOLDER = "/fixtures/cutler-reference/";
    private static final int MASK = 28;

    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

    static Stream<JsonNode> pictures() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        reference().get("images").forEach(all::add);
        return all.stream();
    }

    @Test
    void fixturesCoverSeveralPicturesWithFullInstanceLists() throws IOException {
        JsonNode images = reference().get("images");
        assertTrue(images.size() >= 3, "expected at least three recorded pictures");
        for (JsonNode picture : images) {
            assertEquals(100, picture.get("raw_count").asInt(), "threshold-0 export keeps the top 100");
            assertTrue(picture.get("instances").get("0.35").size() > 0, "some instances above 0.35");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pictures")
    void tensorEqualsDetectron2s(JsonNode picture) throws Exception {
        String name = picture.get("name").asText();
        try (DecodedImage image = decoder.decode(resource(picture.get("source").asText()));
             DecodedImage expected = decoder.decode(resource(name + ".tensor.png"));
             ModelInput input = new CutlerPreprocessor().prepare(image)) {
            assertEquals(picture.get("width").asInt(), image.width());
            assertEquals(picture.get("height").asInt(), image.height());
            assertEquals(picture.get("tensor_width").asInt(), input.width());
            assertEquals(picture.get("tensor_height").asInt(), input.height());
            FloatBuffer chw = input.chw();
            int plane = input.width() * input.height();
            ByteBuffer bgr = expected.bgr().data().capacity(3L * plane).asByteBuffer();
            int differing = 0;
            float worst = 0;
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    float want = bgr.get(i * 3 + (2 - c)) & 0xff;
                    float diff = Math.abs(chw.get(c * plane + i) - want);
                    if (diff != 0) {
                        differing++;
                        worst = Math.max(worst, diff);
                    }
                }
            }
            assertEquals(0, differing, name + ": tensor values differ from detectron2's, by up to " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pictures")
    void postprocessingReproducesDetectron2sInstances(JsonNode picture) throws Exception {
        String name = picture.get("name").asText();
        int count = picture.get("raw_count").asInt();
        RawDetections raw = new RawDetections(count, floats(name + ".boxes.f32", count * 4),
                floats(name + ".scores.f32", count), floats(name + ".masks.f32", count * MASK * MASK), MASK,
                picture.get("tensor_height").asInt(), picture.get("tensor_width").asInt());
        int width = picture.get("width").asInt();
        int height = picture.get("height").asInt();
        for (var entry : (Iterable<java.util.Map.Entry<String, JsonNode>>) picture.get("instances")::fields) {
            float threshold = Float.parseFloat(entry.getKey());
            List<Instance> ours = new CutlerPostprocessor().process(raw, width, height, threshold);
            JsonNode theirs = entry.getValue();
            assertEquals(theirs.size(), ours.size(), name + " at " + threshold + ": instance count");
            boolean[] taken = new boolean[ours.size()];
            double worstBox = 0;
            double worstIou = 1;
            for (JsonNode reference : theirs) {
                int match = partner(reference, ours, taken);
                assertTrue(match >= 0, name + " at " + threshold + ": no instance with score "
                        + reference.get("score").asDouble() + " and box " + reference.get("box"));
                taken[match] = true;
                Instance instance = ours.get(match);
                worstBox = Math.max(worstBox, boxDiff(reference.get("box"), instance.box()));
                BinaryMask mask = new CocoRle(height, width, reference.get("counts").asText()).decode();
                worstIou = Math.min(worstIou, iou(mask, instance.mask()));
            }
            String summary = String.format(Locale.ROOT, "%s at %.2f: %d instances, box diff %.5f px, min mask IoU %.5f",
                    name, threshold, ours.size(), worstBox, worstIou);
            System.err.println(summary);
            assertTrue(worstBox <= 0.01, summary);
            assertTrue(worstIou >= 0.999, summary);
        }
    }

    /** The unmatched instance with the reference's score (exact: same floats) and the closest box. */
    private static int partner(JsonNode reference, List<Instance> ours, boolean[] taken) {
        float score = (float) reference.get("score").asDouble();
        int best = -1;
        double bestDiff = Double.MAX_VALUE;
        for (int j = 0; j < ours.size(); j++) {
            if (!taken[j] && ours.get(j).score() == score) {
                double diff = boxDiff(reference.get("box"), ours.get(j).box());
                if (diff < bestDiff) {
                    bestDiff = diff;
                    best = j;
                }
            }
        }
        return best;
    }

    private static double boxDiff(JsonNode box, Box ours) {
        return Math.max(Math.max(Math.abs(box.get(0).asDouble() - ours.x0()), Math.abs(box.get(1).asDouble() - ours.y0())),
                Math.max(Math.abs(box.get(2).asDouble() - ours.x1()), Math.abs(box.get(3).asDouble() - ours.y1())));
    }

    private static double iou(BinaryMask a, BinaryMask b) {
        long both = 0;
        long either = 0;
        for (int y = 0; y < a.imageHeight(); y++) {
            for (int x = 0; x < a.imageWidth(); x++) {
                boolean p = a.get(x, y);
                boolean q = b.get(x, y);
                both += p && q ? 1 : 0;
                either += p || q ? 1 : 0;
            }
        }
        return either == 0 ? 1.0 : (double) both / either;
    }

    private static float[] floats(String file, int count) throws IOException {
        byte[] bytes = resource(file);
        assertEquals(count * Float.BYTES, bytes.length, file + " size");
        float[] values = new float[count];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(resource("reference.json"));
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = CutlerReferenceFixtureTest.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IOException("missing fixture " + FOLDER + file + " (scripts/reference/parity.py --record-fixtures)");
            }
            return in.readAllBytes();
        }
    }
}
