package dev.mlportfolio.core.tracking;

/** How a logged run ended. */
public enum RunOutcome {
    /** The work succeeded. */
    FINISHED,
    /** The work failed; the run carries the error. */
    FAILED
}
