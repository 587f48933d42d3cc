package dev.mlportfolio.core.tracking;

import java.time.Instant;

/**
 * What a tracker has done and how it is doing.
 *
 * @param state         how the tracker is doing
 * @param location      the server, without credentials
 * @param backlog       runs waiting or being written
 * @param artifactBytes bytes of artifacts waiting in memory or, with a spool, the spool's size on disk
 * @param logged        runs written completely
 * @param dropped       runs lost: pushed out of a full queue or left at shutdown
 * @param rejected      runs the server refused (they are not retried)
 * @param artifactsDropped artifacts dropped (for the memory budget or refused by the server)
 * @param lastError     the last failure, or null
 * @param lastSuccess   when the server last answered, or null if it never has
 * @param spooled       whether waiting runs are journaled on disk (they survive a restart)
 */
public record TrackerStatus(State state, String location, int backlog, long artifactBytes, long logged, long dropped,
                            long rejected, long artifactsDropped, String lastError, Instant lastSuccess,
                            boolean spooled) {
    /** How a tracker is doing. */
    public enum State {
        /** The server answers and the backlog is small. */
        UP,
        /** The server answers but runs are piling up. */
        DEGRADED,
        /** The last call failed; runs are kept and retried. */
        DOWN
    }
}
