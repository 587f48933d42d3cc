package dev.mlportfolio.core.tracking;

import java.nio.file.Path;

/**
 * Where an {@link AsyncTracker} journals the runs that wait for the server, so that an outage, a
 * shutdown or a killed process loses none of them.
 *
 * @param dir      a folder only this process uses (a lock file enforces it)
 * @param maxBytes what the journal may take on disk; past it new runs are refused and counted
 * @param fsync    when appended runs are forced to the disk itself
 */
public record SpoolSettings(Path dir, long maxBytes, Fsync fsync) {
    public static final long DEFAULT_MAX_BYTES = 512L << 20;

    /** When appended runs are forced to the disk (the page cache already survives a killed process). */
    public enum Fsync {
        /** Before {@code log} returns: survives a power cut, costs a disk flush per run. */
        ALWAYS,
        /** Once a second, in the background: a power cut may lose the last second of runs. */
        EVERY_SECOND,
        /** When the operating system decides. */
        NEVER
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException when the spool would be under 1 MiB
     */
    public SpoolSettings {
        if (maxBytes < 1024 * 1024) {
            throw new IllegalArgumentException("a spool needs at least 1 MiB, not " + maxBytes + " bytes");
        }
    }
}
