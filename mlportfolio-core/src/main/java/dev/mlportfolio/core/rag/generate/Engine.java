package dev.mlportfolio.core.rag.generate;

import java.util.Locale;
import java.util.Optional;

/** Which forward pass runs a model folder. */
public enum Engine {
    /**
     * {@link #INT8} where the built-in engine runs the folder (an F32 folder of a Llama-architecture
     * model), else {@link #JLAMA}. On SmolLM2-135M the 8-bit weights answered the evaluation
     * questions as well as F32 at over twice the speed (docs/benchmarks.md).
     */
    AUTO,
    /** The built-in engine on the F32 weights as they are: exact (the golden-token tests run it). */
    F32,
    /**
     * The built-in engine with every matrix quantized to 8-bit rows (one scale per row) at load:
     * about 2.3x the generation speed of {@link #F32} and a quarter of the weights' memory, not
     * token-exact.
     */
    INT8,
    /** Jlama's forward pass: for the other architectures it supports and its own quantized folders. */
    JLAMA;

    /**
     * The name in settings.
     *
     * @return {@code auto}, {@code f32}, {@code int8} or {@code jlama}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an {@link #id()}.
     *
     * @param value the id, exactly
     * @return the engine, or empty when the text is none
     */
    public static Optional<Engine> parse(String value) {
        for (Engine engine : values()) {
            if (engine.id().equals(value)) {
                return Optional.of(engine);
            }
        }
        return Optional.empty();
    }
}
