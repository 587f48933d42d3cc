package dev.mlportfolio.core.detect;

import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.ImageDecoder;
import dev.mlportfolio.core.image.InvalidImageException;
import dev.mlportfolio.core.internal.RunLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CutLER instance segmentation on ONNX Runtime, in a few lines:
 *
 * <pre>{@code
 * try (CutlerDetector detector = CutlerDetector.open(DetectorOptions.of(Path.of("models/cutler_cascade_final.onnx")))) {
 *     Detection found = detector.detect(Files.readAllBytes(photo));
 *     found.instances().forEach(i -> System.out.println(i.box() + " " + i.score()));
 * }
 * }</pre>
 *
 * <p>Decoding, preprocessing and post-processing are separate classes ({@link ImageDecoder},
 * {@link CutlerPreprocessor}, {@link CutlerPostprocessor}) around the engine
 * ({@link OnnxCutlerModel}). One session serves every thread; {@code maxConcurrentRuns} bounds how
 * many inferences run at once, since each holds the real model's large activations.
 */
public final class CutlerDetector implements AutoCloseable {
    private final DetectorOptions options;
    private final CutlerEngine model;
    private final ImageDecoder decoder;
    private final CutlerPreprocessor preprocessor = new CutlerPreprocessor();
    private final CutlerPostprocessor postprocessor = new CutlerPostprocessor();
    private final RunLimit runs;

    /** A detector on an engine already opened; {@link #open} is the public way in. */
    CutlerDetector(DetectorOptions options, CutlerEngine model) {
        this.options = options;
        this.model = model;
        this.decoder = new ImageDecoder(options.maxPixels());
        this.runs = new RunLimit(options.maxConcurrentRuns(), "the detector");
    }

    /**
     * Loads the model.
     *
     * @param options the model file and how to run it
     * @return the detector, to be closed
     * @throws DetectorException when the file is missing or unusable, or CUDA was required and does not load
     */
    public static CutlerDetector open(DetectorOptions options) {
        return new CutlerDetector(options, OnnxCutlerModel.open(options.modelPath(), options.provider(),
                options.intraOpThreads()));
    }

    /**
     * The options this detector was opened with.
     *
     * @return the options
     */
    public DetectorOptions options() {
        return options;
    }

    /**
     * Where inference runs.
     *
     * @return {@code CPU} or {@code CUDA}, never {@code AUTO}
     */
    public ExecutionProvider executionProvider() {
        return model.provider();
    }

    /**
     * The decoder this detector uses, with its pixel limit.
     *
     * @return the decoder
     */
    public ImageDecoder decoder() {
        return decoder;
    }

    /**
     * Decodes an image and detects with the configured threshold.
     *
     * @param encoded a JPEG, PNG, BMP, TIFF or WebP file's bytes
     * @return the instances above the threshold, in original-image pixels, with stage timings
     * @throws InvalidImageException when the bytes are not a supported image or declare too many pixels
     */
    public Detection detect(byte[] encoded) throws InvalidImageException {
        return detect(encoded, options.confidenceThreshold());
    }

    /**
     * Reads an image file and detects with the configured threshold.
     *
     * @param file the image file
     * @return the instances above the threshold, in original-image pixels, with stage timings
     * @throws IOException           when the file cannot be read
     * @throws InvalidImageException when it is not a supported image or declares too many pixels
     */
    public Detection detect(Path file) throws IOException, InvalidImageException {
        return detect(Files.readAllBytes(file));
    }

    /**
     * Decodes an image and detects with a threshold of the caller's; the decoded image is closed afterwards.
     *
     * @param encoded   a JPEG, PNG, BMP, TIFF or WebP file's bytes
     * @param threshold instances scoring at or below it are dropped, in [0, 1]
     * @return the instances above the threshold, in original-image pixels, with stage timings
     * @throws InvalidImageException when the bytes are not a supported image or declare too many pixels
     */
    public Detection detect(byte[] encoded, float threshold) throws InvalidImageException {
        long start = System.nanoTime();
        try (DecodedImage image = decoder.decode(encoded)) {
            double decodeMs = (System.nanoTime() - start) / 1e6;
            Detection found = detect(image, threshold);
            StageTimings t = found.timings();
            return new Detection(found.width(), found.height(), found.instances(), threshold,
                    new StageTimings(decodeMs, t.preprocessMs(), t.inferenceMs(), t.postprocessMs()), found.executionProvider());
        }
    }

    /**
     * Detects on an image already decoded; the caller keeps ownership of it (e.g. to draw an overlay).
     *
     * @param image     the decoded image
     * @param threshold instances scoring at or below it are dropped, in [0, 1]
     * @return the instances above the threshold, with stage timings (decoding counted as 0)
     */
    public Detection detect(DecodedImage image, float threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], was " + threshold);
        }
        long t0 = System.nanoTime();
        long t1;
        RawDetections raw;
        try (ModelInput input = preprocessor.prepare(image)) {
            t1 = System.nanoTime();
            raw = infer(input);
        }
        long t2 = System.nanoTime();
        List<Instance> instances = postprocessor.process(raw, image.width(), image.height(), threshold);
        long t3 = System.nanoTime();
        return new Detection(image.width(), image.height(), instances, threshold,
                new StageTimings(0, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6), executionProvider());
    }

    private RawDetections infer(ModelInput input) {
        return runs.call(() -> model.run(input));
    }

    /**
     * Waits for inferences in progress (up to 30 s), then closes the model: closing an ONNX Runtime
     * session while another thread runs it crashes the process.
     *
     * @throws DetectorException when inferences are still running after 30 s (the model is left open)
     */
    @Override
    public void close() {
        try {
            runs.close(Duration.ofSeconds(30), model::close);
        } catch (IllegalStateException e) {
            throw new DetectorException(e.getMessage(), e);
        }
    }
}
