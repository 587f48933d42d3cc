package dev.mlportfolio.core.tracking;

/** How a logged run ended. */
public enum RunOutcome {
    FINISHED,
    FAILED
}
