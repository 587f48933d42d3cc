package dev.mlportfolio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.RealLlm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples' command lines as a newcomer meets them: wrong arguments and missing files give
 * one line on stderr and exit status 2, never a stack trace; the samples in data/samples work.
 */
class ExamplesCommandLineTest {
    private static final Path SAMPLES = RealLlm.projectRoot().resolve("data/samples");

    private record Outcome(int status, String err) {
    }

    private static Outcome run(BiFunction<String[], PrintStream, Integer> program, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            status = program.apply(args, err);
        }
        return new Outcome(status, bytes.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineMistake(Outcome outcome, String program, String expected) {
        assertEquals(Cli.BAD_INPUT, outcome.status(), outcome.err());
        String err = outcome.err().strip();
        assertFalse(err.contains("\n"), "one line, was: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.startsWith(program + ": "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
    }

    @Test
    void everyProgramPrintsItsUsageForWrongArguments() {
        assertOneLineMistake(run(DetectObjects::run), "DetectObjects", "usage: " + DetectObjects.USAGE);
        assertOneLineMistake(run(IdentifyImages::run), "IdentifyImages", "usage: " + IdentifyImages.USAGE);
        assertOneLineMistake(run(EvaluateRag::run, "a"), "EvaluateRag", "usage: " + EvaluateRag.USAGE);
        assertOneLineMistake(run(QuantizeModel::run, "a", "b", "c"), "QuantizeModel", "usage: " + QuantizeModel.USAGE);
    }

    @Test
    void missingFilesAreNamedInOneLine(@TempDir Path dir) {
        String model = System.getProperty("mlportfolio.testModel");
        assertOneLineMistake(run(DetectObjects::run, model, dir.resolve("photo.jpg").toString(), dir.toString()),
                "DetectObjects", "no such file: " + dir.resolve("photo.jpg"));
        assertOneLineMistake(run(DetectObjects::run, dir.resolve("none.onnx").toString(), SAMPLES.resolve("shapes.jpg").toString(),
                dir.toString()), "DetectObjects", "no such file");
        assertOneLineMistake(run(IdentifyImages::run, SAMPLES.resolve("notes.pdf").toString(), "missing.png"),
                "IdentifyImages", "no such file: missing.png");
        assertOneLineMistake(run(EvaluateRag::run, "missing.md", "q.tsv", dir.toString()), "EvaluateRag", "no such file: missing.md");
        assertOneLineMistake(run(QuantizeModel::run, dir.resolve("nothing").toString(), dir.toString()), "QuantizeModel",
                "no such folder");
        assertOneLineMistake(run(QuantizeModel::run, dir.toString(), dir.resolve("out").toString()), "QuantizeModel",
                "no config.json");
    }

    @Test
    void quantizeModelRefusesAFolderItDidNotWrite(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertOneLineMistake(run(QuantizeModel::run, model.toString(), out.toString()), "QuantizeModel",
                "already holds files that QuantizeModel did not write");
        assertTrue(Files.exists(out.resolve("notes.txt")), "nothing of the user's is deleted");
    }

    @Test
    void aBadThresholdOrAFileThatIsNotAnImageIsAMistakeToo(@TempDir Path dir) {
        String model = System.getProperty("mlportfolio.testModel");
        String shapes = SAMPLES.resolve("shapes.jpg").toString();
        assertOneLineMistake(run(DetectObjects::run, model, shapes, dir.toString(), "high"), "DetectObjects",
                "THRESHOLD must be a number from 0 to 1, not high");
        assertOneLineMistake(run(DetectObjects::run, model, shapes, dir.toString(), "1.5"), "DetectObjects", "not 1.5");
        assertOneLineMistake(run(DetectObjects::run, model, SAMPLES.resolve("notes.pdf").toString(), dir.toString()),
                "DetectObjects", "notes.pdf: ");
    }

    @Test
    void theSamplesWorkAsTheReadmeSays(@TempDir Path dir) throws Exception {
        Outcome detected = run(DetectObjects::run, System.getProperty("mlportfolio.testModel"),
                SAMPLES.resolve("shapes.jpg").toString(), dir.toString());
        assertEquals(0, detected.status(), detected.err());
        String json = Files.readString(dir.resolve("shapes-detections.json"));
        assertTrue(json.contains("\"num_instances\": 5"), "the test model finds the five shapes: " + json);
        assertTrue(Files.size(dir.resolve("shapes-overlay.jpg")) > 1000);

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(IdentifyImages::run, SAMPLES.resolve("shapes.png").toString(),
                    SAMPLES.resolve("notes.pdf").toString(), SAMPLES.resolve("notes.txt").toString()).status());
        } finally {
            System.setOut(stdout);
        }
        String lines = printed.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("shapes.png: image/png"), lines);
        assertTrue(lines.contains("notes.pdf: not an image"), lines);
        assertTrue(lines.contains("notes.txt: not an image"), lines);
    }
}
