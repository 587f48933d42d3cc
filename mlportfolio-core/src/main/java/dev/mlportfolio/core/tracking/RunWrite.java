package dev.mlportfolio.core.tracking;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The writing of one run, step by step: experiment, start (or find the run a lost answer made),
 * params and metrics, artifacts, end. A failed step throws and is tried again later from that
 * step; the steps before it are not repeated.
 */
final class RunWrite {
    private static final Logger LOG = Logger.getLogger(RunWrite.class.getName());
    static final String WRITE_ERROR_TAG = "mlportfolio.write_error";

    final RunBacklog.Pending pending;
    private final RunRecord record;
    private String experimentId;
    private TrackingBackend.StartedRun run;
    private boolean startTried;
    private boolean dataLogged;
    private int artifactsDone;
    int artifactsRefused;

    private final Runnable starting;

    /** @param starting called once, before the first request that could make the run on the server */
    RunWrite(RunBacklog.Pending pending, Runnable starting) {
        this.pending = pending;
        this.starting = starting;
        this.record = pending.run();
        // A run read back from the spool that the process before was writing may be on the server
        // (wholly or in part): look it up by its key before making it.
        this.startTried = pending.recovered();
    }

    RunRecord record() {
        return record;
    }

    /** Does what is left; throws at the step that failed, keeping the steps before it. */
    void advance(TrackingBackend backend) {
        if (experimentId == null) {
            experimentId = backend.experimentId(record.experiment(), true).orElseThrow();
        }
        if (run == null && startTried) {
            // The last start failed without an answer (a timeout, the server stopping) or this run
            // comes from the spool: the server may have made the run, and another would be a copy.
            run = backend.findRun(experimentId, pending.key()).orElse(null);
            if (run != null && run.ended()) {
                return; // written completely before: nothing is logged twice
            }
        }
        if (run == null) {
            if (!startTried) {
                starting.run();
            }
            startTried = true;
            run = backend.startRun(experimentId, record, pending.key());
        }
        if (!dataLogged) {
            backend.logData(run, record);
            dataLogged = true;
        }
        while (artifactsDone < record.artifacts().size()) {
            try {
                backend.uploadArtifact(run, record.artifacts().get(artifactsDone));
            } catch (TrackingException e) {
                if (e.retryable()) {
                    throw e;
                }
                artifactsRefused++;
                LOG.log(Level.WARNING, "artifact not kept: " + e.getMessage());
            }
            artifactsDone++;
        }
        backend.finishRun(run, record);
    }

    /**
     * The server refused a step for good. A run it already made is ended {@code FAILED} with the
     * reason in a tag, so no run is left {@code RUNNING}; if even that fails, the log says so.
     */
    void abandon(TrackingBackend backend, TrackingException error) {
        if (run == null) {
            return;
        }
        RunRecord failed = RunRecord.builder(record.experiment(), record.runName())
                .time(record.startTime(), record.endTime())
                .outcome(RunOutcome.FAILED)
                .build();
        try {
            backend.setTag(run, WRITE_ERROR_TAG, truncate(error.getMessage()));
        } catch (TrackingException e) {
            LOG.log(Level.FINE, "the write error could not be tagged on run " + run.runId(), e);
        }
        try {
            backend.finishRun(run, failed);
        } catch (TrackingException e) {
            LOG.warning("run " + run.runId() + " could not be ended FAILED after its writes were refused: " + e.getMessage());
        }
    }

    private static String truncate(String message) {
        String text = message == null ? "refused" : message;
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
