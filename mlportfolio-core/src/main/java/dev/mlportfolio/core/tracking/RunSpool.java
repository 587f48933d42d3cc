package dev.mlportfolio.core.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The backlog on disk: every run is appended to a journal ({@link SpoolJournal}) before
 * {@link #add} returns, a marker when a writer first asks the server to make it, and another once
 * it is written, so a tracking outage, a SIGTERM or a {@code kill -9} loses nothing the spool
 * accepted. {@link #open} replays what is not marked written, and only the runs a writer had
 * started are looked up by key before they are made. Only the index of waiting runs is in memory
 * (a few dozen bytes each); the runs are read back when they are taken.
 *
 * <p>Past {@code maxBytes} on disk, or when one experiment would hold more than three quarters of
 * it, new runs are refused and counted; nothing accepted is dropped.
 */
final class RunSpool implements RunBacklog {
    private static final Logger LOG = Logger.getLogger(RunSpool.class.getName());
    private static final byte RUN = 1;
    private static final byte DONE = 2;
    private static final byte STARTING = 3;
    static final long SEGMENT_BYTES = 64L << 20;
    private static final int MAX_ENTRY = Integer.MAX_VALUE - 64;

    private record Entry(SpoolJournal.Segment segment, long offset, int length, String experiment) {
    }

    private final long maxBytes;
    private final ReentrantLock mutex = new ReentrantLock();
    private final MemoryBacklog.Lanes<Entry> lanes = new MemoryBacklog.Lanes<>();
    private final Map<String, Long> laneBytes = new HashMap<>();
    private final Set<String> startedKeys = new HashSet<>();
    private SpoolJournal journal;
    private Thread flusher;
    private boolean closed;
    private long refusedSinceLog;

    private RunSpool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (or creates) the spool in the settings' folder and reads back what a previous process left.
     *
     * @throws IOException when the folder cannot be used, or another process holds it
     */
    static RunSpool open(SpoolSettings settings) throws IOException {
        return open(settings, SEGMENT_BYTES);
    }

    /** With segments of {@code segmentBytes} (tests use small ones to see segments roll and go). */
    static RunSpool open(SpoolSettings settings, long segmentBytes) throws IOException {
        RunSpool spool = new RunSpool(settings.maxBytes());
        Map<String, Entry> waiting = new LinkedHashMap<>();
        Set<String> started = new HashSet<>();
        Map<String, String> experiments = new HashMap<>(); // one String per experiment, not one per run
        spool.journal = SpoolJournal.open(settings.dir(), segmentBytes, settings.fsync(),
                (segment, offset, length, type, payload) -> {
                    switch (type) {
                        case RUN -> {
                            try {
                                RunCodec.Decoded decoded = RunCodec.decode(payload);
                                String experiment = experiments.computeIfAbsent(decoded.run().experiment(), e -> e);
                                waiting.put(decoded.key(), new Entry(segment, offset, length, experiment));
                            } catch (IOException e) {
                                LOG.warning("tracking spool: an unreadable run in " + segment.path + " is skipped: "
                                        + e.getMessage());
                            }
                        }
                        case DONE -> {
                            String key = new String(payload, StandardCharsets.UTF_8);
                            waiting.remove(key);
                            started.remove(key);
                        }
                        case STARTING -> started.add(new String(payload, StandardCharsets.UTF_8));
                        default -> LOG.warning("tracking spool: an entry of unknown type " + type + " is skipped");
                    }
                });
        waiting.forEach((key, entry) -> {
            entry.segment().live++;
            spool.lanes.add(entry.experiment(), entry);
            spool.laneBytes.merge(entry.experiment(), (long) entry.length(), Long::sum);
            if (started.contains(key)) {
                spool.startedKeys.add(key); // the last process asked the server to make it: look it up first
            }
        });
        spool.journal.deleteUnneeded();
        if (!waiting.isEmpty()) {
            LOG.info("tracking spool " + settings.dir() + ": " + waiting.size() + " run(s) left by the last process are "
                    + "written now (" + spool.startedKeys.size() + " of them were being written and are looked up by key first)");
        }
        if (settings.fsync() == SpoolSettings.Fsync.EVERY_SECOND) {
            spool.flusher = Thread.ofPlatform().name("tracking-spool-fsync").daemon().start(spool::forceEverySecond);
        }
        return spool;
    }

    @Override
    public Admission add(String key, RunRecord run) {
        byte[] payload = RunCodec.encode(key, run);
        if (payload.length > MAX_ENTRY) {
            return refused(run.experiment());
        }
        int length = SpoolJournal.HEADER + payload.length;
        mutex.lock();
        try {
            if (closed) {
                return new Admission(false, 1, 0, "closed");
            }
            long lane = laneBytes.getOrDefault(run.experiment(), 0L);
            if (journal.totalBytes() + length > maxBytes || lane + length > maxBytes / 4 * 3) {
                return refused(run.experiment());
            }
            SpoolJournal.Location at = journal.append(RUN, payload);
            at.segment().live++;
            lanes.add(run.experiment(), new Entry(at.segment(), at.offset(), length, run.experiment()));
            laneBytes.merge(run.experiment(), (long) length, Long::sum);
            if (refusedSinceLog > 0) {
                LOG.warning("tracking spool " + journal.dir() + " takes runs again; " + refusedSinceLog
                        + " run(s) were refused while it was full");
                refusedSinceLog = 0;
            }
            return Admission.ACCEPTED;
        } catch (IOException e) {
            throw new UncheckedIOException("the tracking spool " + journal.dir() + " cannot be written", e);
        } finally {
            mutex.unlock();
        }
    }

    private Admission refused(String experiment) {
        mutex.lock();
        try {
            if (refusedSinceLog++ == 0) {
                LOG.warning("tracking spool " + journal.dir() + " is full (" + journal.totalBytes() + " of " + maxBytes
                        + " bytes, " + laneBytes.getOrDefault(experiment, 0L) + " of them for experiment " + experiment
                        + "): new runs are refused until MLflow catches up; the count follows when it does");
            }
        } finally {
            mutex.unlock();
        }
        return new Admission(false, 1, 0, "spool_full");
    }

    @Override
    public Pending poll() {
        mutex.lock();
        try {
            while (true) {
                Entry entry = lanes.pollFair();
                if (entry == null) {
                    return null;
                }
                try {
                    RunCodec.Decoded decoded = RunCodec.decode(journal.read(entry.segment(), entry.offset(), entry.length()));
                    return new Pending(decoded.key(), decoded.run(), startedKeys.remove(decoded.key()), entry);
                } catch (IOException e) {
                    // Checked when it was written: the disk under it failed. Skip it rather than stop the writers.
                    LOG.log(Level.WARNING, "tracking spool: a run in " + entry.segment().path + " cannot be read back and is lost", e);
                    release(entry);
                }
            }
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void starting(Pending pending) {
        mutex.lock();
        try {
            if (!closed) {
                journal.append(STARTING, pending.key().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the tracking spool " + journal.dir() + " cannot be written", e);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void done(Pending pending) {
        mutex.lock();
        try {
            if (closed) {
                return; // written, but the mark is lost: the next start finds the run by its key
            }
            journal.append(DONE, pending.key().getBytes(StandardCharsets.UTF_8));
            release((Entry) pending.handle());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "tracking spool: the mark of a written run was not saved (it is looked up by key "
                    + "after a restart instead of being written twice)", e);
        } finally {
            mutex.unlock();
        }
    }

    /** The entry needs no more room: its segment may go once nothing else in it waits. */
    private void release(Entry entry) {
        entry.segment().live--;
        laneBytes.merge(entry.experiment(), (long) -entry.length(), Long::sum);
        try {
            journal.deleteUnneeded();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "tracking spool: a written segment could not be deleted", e);
        }
    }

    private void forceEverySecond() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            mutex.lock();
            try {
                if (closed) {
                    return;
                }
                journal.forceIfDirty();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "tracking spool: fsync failed", e);
            } finally {
                mutex.unlock();
            }
        }
    }

    @Override
    public int size() {
        mutex.lock();
        try {
            return lanes.size();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public long bytes() {
        mutex.lock();
        try {
            return journal.totalBytes();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public int abandon() {
        return 0; // what waits stays on disk for the next start
    }

    @Override
    public void close() {
        mutex.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            journal.close();
        } finally {
            mutex.unlock();
        }
        if (flusher != null) {
            flusher.interrupt();
        }
    }
}
