package dev.mlportfolio.core.tracking;

/**
 * Runs waiting to be written, taken fairly across experiments: {@link #poll} goes round the
 * experiments that have runs waiting, so a flood of one kind of run (RAG queries) cannot keep
 * another (predictions) from being written. Thread-safe.
 */
interface RunBacklog extends AutoCloseable {

    /**
     * A run taken to be written, with the key it is known by on the tracking server.
     *
     * @param recovered whether a process before this one may have made it on the server already
     */
    record Pending(String key, RunRecord run, boolean recovered, Object handle) {
    }

    /**
     * What {@link #add} did.
     *
     * @param accepted  whether the run itself is now waiting
     * @param pushedOut older runs dropped to make room
     * @param stripped  artifacts dropped from older runs to stay within a byte budget
     * @param reason    why runs were dropped ({@code queue_full}, {@code spool_full}), or null
     */
    record Admission(boolean accepted, int pushedOut, int stripped, String reason) {
        static final Admission ACCEPTED = new Admission(true, 0, 0, null);
    }

    Admission add(String key, RunRecord run);

    /** {@return the next run to write, or null when none waits} */
    Pending poll();

    /**
     * A writer is about to ask the server to make the run: from now on the server may have it, so
     * a run read back after a restart must be looked up by its key before it is made.
     */
    void starting(Pending pending);

    /** The run was written, or refused for good: it is not written again. */
    void done(Pending pending);

    /** {@return runs waiting (not those taken)} */
    int size();

    /** {@return bytes held: artifact bytes in memory, or the spool's size on disk} */
    long bytes();

    /** {@return whether what is left at shutdown survives it (and is written after the next start)} */
    boolean durable();

    /**
     * Empties a backlog that is not durable at shutdown.
     *
     * @return how many runs were lost
     */
    int abandon();

    @Override
    void close();
}
