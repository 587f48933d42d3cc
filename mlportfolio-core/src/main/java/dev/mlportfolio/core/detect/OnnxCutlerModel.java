package dev.mlportfolio.core.detect;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The ONNX Runtime side of the detector: one session shared by every caller (ONNX Runtime sessions
 * are safe to run concurrently), the execution provider choice, and reading the five outputs.
 *
 * <p>Outputs are found by name ({@code pred_boxes, pred_classes, pred_masks, scores, image_size},
 * as {@code scripts/export_cutler_onnx.py} names them). A file exported without names (detectron2's
 * stock script) is read by position instead, in the order detectron2's tracing adapter writes them.
 */
public final class OnnxCutlerModel implements CutlerEngine {
    static final List<String> OUTPUTS = List.of("pred_boxes", "pred_classes", "pred_masks", "scores", "image_size");
    private static final System.Logger LOG = System.getLogger(OnnxCutlerModel.class.getName());

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final String boxesName;
    private final String masksName;
    private final String scoresName;
    private final String imageSizeName;
    private final ExecutionProvider provider;

    private OnnxCutlerModel(OrtEnvironment env, OrtSession session, ExecutionProvider provider) throws OrtException {
        this.env = env;
        this.session = session;
        this.provider = provider;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new DetectorException("expected one input (the image tensor), found " + inputs.keySet());
        }
        this.inputName = inputs.keySet().iterator().next();
        if (inputs.get(inputName).getInfo() instanceof TensorInfo info && info.getShape().length != 3) {
            throw new DetectorException("input '" + inputName + "' has rank " + info.getShape().length
                    + "; CutLER's exported graph takes [3, H, W]");
        }
        List<String> names = new ArrayList<>(session.getOutputNames());
        List<String> resolved = new ArrayList<>();
        for (int i = 0; i < OUTPUTS.size(); i++) {
            String wanted = OUTPUTS.get(i);
            if (names.contains(wanted)) {
                resolved.add(wanted);
            } else if (names.size() == OUTPUTS.size()) {
                resolved.add(names.get(i));
            } else {
                throw new DetectorException("the model has outputs " + names + "; expected " + OUTPUTS
                        + " (see models/README.md)");
            }
        }
        this.boxesName = resolved.get(0);
        this.masksName = resolved.get(2);
        this.scoresName = resolved.get(3);
        this.imageSizeName = resolved.get(4);
    }

    /**
     * Opens a session on the model file with the requested provider.
     *
     * @param modelPath      the ONNX file
     * @param requested      the provider asked for; {@code AUTO} falls back to CPU
     * @param intraOpThreads threads per inference, 0 for ONNX Runtime's choice
     * @throws DetectorException when the file is missing or not a usable model, or CUDA was
     *                           required and does not load
     * @return the model, to be closed
     */
    public static OnnxCutlerModel open(Path modelPath, ExecutionProvider requested, int intraOpThreads) {
        if (!Files.isRegularFile(modelPath)) {
            throw new DetectorException("no model file at " + modelPath.toAbsolutePath());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        boolean cudaInBuild = available.contains(OrtProvider.CUDA);
        if (requested == ExecutionProvider.CUDA && !cudaInBuild) {
            throw new DetectorException("ONNX_PROVIDER=cuda, but this ONNX Runtime build has no CUDA provider "
                    + "(available: " + available + "); build with -Pgpu, or use auto or cpu");
        }
        if (requested != ExecutionProvider.CPU && cudaInBuild) {
            try {
                return new OnnxCutlerModel(env, createSession(env, modelPath, intraOpThreads, true), ExecutionProvider.CUDA);
            } catch (OrtException | RuntimeException e) {
                if (requested == ExecutionProvider.CUDA) {
                    throw new DetectorException("the CUDA execution provider did not load: " + e.getMessage(), e);
                }
                LOG.log(System.Logger.Level.INFO, "CUDA execution provider did not load (" + e.getMessage() + "); using CPU");
            }
        } else if (requested == ExecutionProvider.AUTO) {
            LOG.log(System.Logger.Level.INFO, "this ONNX Runtime build has no CUDA provider; using CPU");
        }
        try {
            return new OnnxCutlerModel(env, createSession(env, modelPath, intraOpThreads, false), ExecutionProvider.CPU);
        } catch (OrtException e) {
            throw new DetectorException("ONNX Runtime cannot load " + modelPath + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession createSession(OrtEnvironment env, Path modelPath, int intraOpThreads, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // ONNX Runtime's pool threads otherwise spin for a while after each run, taking the
            // cores that decoding, pasting and encoding of the same request need next.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (cuda) {
                options.addCUDA(0);
            }
            return env.createSession(modelPath.toString(), options);
        }
    }

    @Override
    public ExecutionProvider provider() {
        return provider;
    }

    /** {@return the graph's input name} */
    public String inputName() {
        return inputName;
    }

    @Override
    public RawDetections run(ModelInput input) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.chw(), input.shape());
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            float[][] boxes = (float[][]) value(result, boxesName).getValue();
            float[] scores = (float[]) value(result, scoresName).getValue();
            OnnxTensor masks = (OnnxTensor) value(result, masksName);
            long[] imageSize = (long[]) value(result, imageSizeName).getValue();
            int count = scores.length;
            long[] maskShape = masks.getInfo().getShape();
            int maskSize = (int) maskShape[maskShape.length - 1];
            float[] flatMasks = new float[count * maskSize * maskSize];
            masks.getFloatBuffer().get(flatMasks);
            float[] flatBoxes = new float[count * 4];
            for (int i = 0; i < count; i++) {
                System.arraycopy(boxes[i], 0, flatBoxes, i * 4, 4);
            }
            return new RawDetections(count, flatBoxes, scores, flatMasks, maskSize, (int) imageSize[0], (int) imageSize[1]);
        } catch (OrtException e) {
            throw new DetectorException("inference failed: " + e.getMessage(), e);
        }
    }

    private static OnnxValue value(OrtSession.Result result, String name) {
        return result.get(name).orElseThrow(() -> new DetectorException("the model returned no output '" + name + "'"));
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new DetectorException("closing the ONNX Runtime session failed", e);
        }
    }
}
