package dev.mlportfolio.core.tracking;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The spool's files: a folder of segment files of framed entries ({@code length, CRC32C, type,
 * payload}), appended to one segment at a time, and a lock file that keeps a second process out.
 * An entry torn at the end (the process died while writing it) fails its checksum and is cut off.
 * A segment is deleted once nothing in it is still needed and every segment before it is gone,
 * so a later marker never outlives what it marks. Not thread-safe: {@link RunSpool} locks.
 */
final class SpoolJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpoolJournal.class.getName());
    static final int HEADER = 9;

    /** One segment file; {@code live} counts the entries in it that are still needed. */
    static final class Segment {
        final long id;
        final Path path;
        final FileChannel channel;
        long size;
        int live;

        Segment(long id, Path path, FileChannel channel) {
            this.id = id;
            this.path = path;
            this.channel = channel;
        }
    }

    /** What {@link #open} reads back, entry by entry, in the order written. */
    interface Reader {
        void entry(Segment segment, long offset, int length, byte type, byte[] payload);
    }

    private final Path dir;
    private final long segmentBytes;
    private final SpoolSettings.Fsync fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment current;
    private long totalBytes;
    private boolean dirty;

    private SpoolJournal(Path dir, long segmentBytes, SpoolSettings.Fsync fsync, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes the folder, reads every entry of its segments to {@code reader}, and starts a new
     * segment to append to. Call {@link #deleteUnneeded} once the reader has counted what it keeps.
     *
     * @throws IOException when the folder cannot be used, or another process holds it
     */
    static SpoolJournal open(Path dir, long segmentBytes, SpoolSettings.Fsync fsync, Reader reader) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve("spool.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the tracking spool " + dir + " is in use by another process");
        }
        SpoolJournal journal = new SpoolJournal(dir, segmentBytes, fsync, lockChannel, lock);
        try {
            long nextId = 1;
            for (Path path : segmentFiles(dir)) {
                long id = Long.parseLong(path.getFileName().toString().substring(8, 20));
                Segment segment = new Segment(id, path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
                journal.segments.put(id, segment);
                segment.size = journal.scan(segment, reader);
                journal.totalBytes += segment.size;
                nextId = id + 1;
            }
            journal.current = journal.newSegment(nextId);
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-[0-9]{12}\\.log")).sorted().toList();
        }
    }

    /** Reads one segment's entries; returns where the valid ones end, and cuts off what follows. */
    private long scan(Segment segment, Reader reader) throws IOException {
        long size = segment.channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (position + HEADER <= size) {
            header.clear();
            readFully(segment.channel, header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            byte type = header.get();
            if (length < 0 || position + HEADER + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(segment.channel, payload, position + HEADER);
            if (crc(type, payload.array()) != crc) {
                break;
            }
            reader.entry(segment, position, HEADER + length, type, payload.array());
            position += HEADER + length;
        }
        if (position < size) {
            LOG.warning("tracking spool: " + (size - position) + " byte(s) at the end of " + segment.path.getFileName()
                    + " were cut off (a write the last process did not finish)");
            segment.channel.truncate(position);
        }
        return position;
    }

    /** Where an entry was appended. */
    record Location(Segment segment, long offset) {
    }

    /** Appends one entry, in a new segment when the current one is full. */
    Location append(byte type, byte[] payload) throws IOException {
        int length = HEADER + payload.length;
        if (current.size + length > segmentBytes && current.size > 0) {
            current = newSegment(current.id + 1);
            deleteUnneeded();
        }
        ByteBuffer frame = ByteBuffer.allocate(length);
        frame.putInt(payload.length).putInt(crc(type, payload)).put(type).put(payload).flip();
        long offset = current.size;
        while (frame.hasRemaining()) {
            current.channel.write(frame, offset + frame.position());
        }
        current.size += length;
        totalBytes += length;
        if (fsync == SpoolSettings.Fsync.ALWAYS) {
            current.channel.force(false);
        } else {
            dirty = true;
        }
        return new Location(current, offset);
    }

    byte[] read(Segment segment, long offset, int length) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(length - HEADER);
        readFully(segment.channel, data, offset + HEADER);
        return data.array();
    }

    /** Deletes segments from the oldest while nothing in them is needed (never the one appended to). */
    void deleteUnneeded() throws IOException {
        Iterator<Segment> oldest = segments.values().iterator();
        while (oldest.hasNext()) {
            Segment segment = oldest.next();
            if (segment == current || segment.live > 0) {
                return;
            }
            segment.channel.close();
            Files.deleteIfExists(segment.path);
            totalBytes -= segment.size;
            oldest.remove();
        }
    }

    /** Forces what was appended since the last call to disk (the {@code everysec} policy's tick). */
    void forceIfDirty() throws IOException {
        if (dirty) {
            current.channel.force(false);
            dirty = false;
        }
    }

    long totalBytes() {
        return totalBytes;
    }

    Path dir() {
        return dir;
    }

    private Segment newSegment(long id) throws IOException {
        Path path = dir.resolve(String.format("segment-%012d.log", id));
        Segment segment = new Segment(id, path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        segment.size = segment.channel.size();
        totalBytes += segment.size;
        segments.put(id, segment);
        return segment;
    }

    @Override
    public void close() {
        for (Segment segment : segments.values()) {
            try {
                if (fsync != SpoolSettings.Fsync.NEVER && segment == current) {
                    segment.channel.force(false);
                }
                segment.channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "tracking spool: closing " + segment.path + " failed", e);
            }
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "tracking spool: releasing the lock failed", e);
        }
    }

    private static int crc(byte type, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of a spool segment");
            }
        }
    }
}
