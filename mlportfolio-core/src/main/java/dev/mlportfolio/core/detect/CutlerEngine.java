package dev.mlportfolio.core.detect;

/**
 * What the detector calls between its pre- and post-processing: the runtime holding the model
 * ({@link OnnxCutlerModel} in production). Package-private so that tests can wrap the real model,
 * for example to observe from outside how many runs the detector lets proceed at once.
 */
interface CutlerEngine extends AutoCloseable {
    /** Runs the model on one preprocessed tensor; safe to call from several threads at once. */
    RawDetections run(ModelInput input);

    /** {@return where inference runs} */
    ExecutionProvider provider();

    @Override
    void close();
}
