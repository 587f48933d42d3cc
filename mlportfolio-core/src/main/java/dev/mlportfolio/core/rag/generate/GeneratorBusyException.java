package dev.mlportfolio.core.rag.generate;

/** Every generation slot stayed busy for longer than the caller was willing to wait. */
public final class GeneratorBusyException extends RuntimeException {
    /**
     * A refusal.
     *
     * @param message what to tell the caller
     */
    public GeneratorBusyException(String message) {
        super(message);
    }
}
