package dev.mlportfolio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.image.ImageFormat;
import dev.mlportfolio.core.testing.Scenes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectObjectsTest {
    @Test
    void writesTheOverlayAndTheDetections(@TempDir Path dir) throws Exception {
        Path image = Files.write(dir.resolve("scene.png"), Scenes.png(Scenes.draw(640, 480, Scenes.rects(Scenes.FOUR, 640, 480))));
        Path out = dir.resolve("out");
        DetectObjects.main(new String[] {System.getProperty("mlportfolio.testModel"), image.toString(), out.toString()});

        byte[] overlay = Files.readAllBytes(out.resolve("scene-overlay.jpg"));
        assertEquals(ImageFormat.JPEG, ImageFormat.detect(overlay).orElseThrow());
        String json = Files.readString(out.resolve("scene-detections.json"));
        assertTrue(json.contains("\"num_instances\": 4"), json);
        assertTrue(json.contains("\"size\": [480, 640]"), json);
        assertEquals(4, json.split("\"counts\"").length - 1);
    }
}
