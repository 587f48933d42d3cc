package dev.mlportfolio.server;

import java.util.List;

/** One or more environment variables hold values the server cannot use; the message says which and what is accepted. */
public final class InvalidSettingsException extends RuntimeException {
    private final List<String> problems;

    InvalidSettingsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, e.g. {@code MAX_FILE_SIZE="10MB" is not valid: expected ...}. */
    public List<String> problems() {
        return problems;
    }
}
