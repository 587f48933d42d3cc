package dev.mlportfolio.core.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk backlog: what goes in comes back after a restart, once, in fair order, within its bound. */
class RunSpoolTest {
    @TempDir
    Path dir;

    private SpoolSettings settings(long maxBytes) {
        return new SpoolSettings(dir, maxBytes, SpoolSettings.Fsync.NEVER);
    }

    private static RunRecord run(String experiment, String name, int artifactBytes) {
        RunRecord.Builder b = RunRecord.builder(experiment, name)
                .time(Instant.parse("2026-12-01T10:00:00.123456789Z"), Instant.parse("2026-12-01T10:00:01Z"))
                .param("top_k", 5).param("model", "MiniLM ü ✓")
                .metric("processing_time_ms", 3.25).metric("found", 1)
                .tag("request_id", "req-" + name).tag("mlportfolio.kind", "rag_query");
        if (artifactBytes > 0) {
            byte[] content = new byte[artifactBytes];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) (i * 31 + name.hashCode());
            }
            b.artifact("prediction/overlay.jpg", "image/jpeg", content);
        }
        return b.outcome(name.contains("fail") ? RunOutcome.FAILED : RunOutcome.FINISHED).build();
    }

    @Test
    void aRunComesBackAsItWentIn() throws IOException {
        RunRecord original = run("preds", "one-fail", 5000);
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertTrue(spool.add("key-1", original).accepted());
            RunBacklog.Pending back = spool.poll();
            assertEquals("key-1", back.key());
            assertFalse(back.recovered(), "taken in the process that added it");
            RunRecord run = back.run();
            assertEquals(original.experiment(), run.experiment());
            assertEquals(original.runName(), run.runName());
            assertEquals(original.startTime(), run.startTime());
            assertEquals(original.endTime(), run.endTime());
            assertEquals(RunOutcome.FAILED, run.outcome());
            assertEquals(original.params(), run.params());
            assertEquals(original.metrics(), run.metrics());
            assertEquals(original.tags(), run.tags());
            assertEquals(1, run.artifacts().size());
            assertEquals("prediction/overlay.jpg", run.artifacts().get(0).path());
            assertArrayEquals(original.artifacts().get(0).content(), run.artifacts().get(0).content());
            assertNull(spool.poll());
        }
    }

    @Test
    void whatWasNotWrittenIsReplayedAfterARestartAndWhatWasIsNot() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            for (int i = 0; i < 5; i++) {
                spool.add("key-" + i, run("preds", "run-" + i, 100));
            }
            RunBacklog.Pending zero = spool.poll();
            spool.starting(zero);
            spool.done(zero);              // run-0 written
            spool.starting(spool.poll());  // run-1 being made on the server when the process stops
            spool.poll();                  // run-2 taken, but the server was not asked yet
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(4, spool.size());
            List<String> names = new ArrayList<>();
            List<String> lookedUp = new ArrayList<>();
            RunBacklog.Pending p;
            while ((p = spool.poll()) != null) {
                names.add(p.run().runName());
                if (p.recovered()) {
                    lookedUp.add(p.run().runName());
                }
                spool.done(p);
            }
            assertEquals(List.of("run-1", "run-2", "run-3", "run-4"), names);
            assertEquals(List.of("run-1"), lookedUp, "only a run the last process had started is looked up by key");
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(0, spool.size(), "everything was written: nothing comes back a second time");
        }
    }

    @Test
    void aRunTornByAKillIsCutOffAndTheOnesBeforeItKept() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            spool.add("a", run("preds", "a", 0));
            spool.add("b", run("preds", "b", 2000));
        }
        Path segment = segments().get(0);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 700); // the process died in the middle of writing b
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(1, spool.size());
            assertEquals("a", spool.poll().run().runName());
            spool.add("c", run("preds", "c", 0));
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            List<String> left = new ArrayList<>();
            RunBacklog.Pending p;
            while ((p = spool.poll()) != null) {
                left.add(p.run().runName());
            }
            assertEquals(List.of("a", "c"), left, "what was appended after the cut is read too");
        }
    }

    @Test
    void aCorruptedEntryFailsItsChecksum() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            spool.add("a", run("preds", "a", 0));
            spool.add("b", run("preds", "b", 0));
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x55; // one flipped byte in b
        Files.write(segment, bytes);
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(1, spool.size(), "b is not read back as a damaged run");
        }
    }

    @Test
    void runsAreTakenInTurnAcrossExperiments() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            for (int i = 0; i < 5; i++) {
                spool.add("r" + i, run("rag", "rag-" + i, 0));
            }
            spool.add("p0", run("preds", "pred-0", 0));
            spool.add("p1", run("preds", "pred-1", 0));
            List<String> order = new ArrayList<>();
            RunBacklog.Pending p;
            while ((p = spool.poll()) != null) {
                order.add(p.run().runName());
            }
            assertEquals(List.of("rag-0", "pred-0", "rag-1", "pred-1", "rag-2", "rag-3", "rag-4"), order);
        }
    }

    @Test
    void pastItsBoundNewRunsAreRefusedAndOneExperimentCannotTakeItAll() throws IOException {
        long bound = 1 << 20;
        try (RunSpool spool = RunSpool.open(settings(bound))) {
            int accepted = 0;
            RunBacklog.Admission last = null;
            for (int i = 0; i < 20; i++) {
                last = spool.add("r" + i, run("rag", "rag-" + i, 100_000));
                if (!last.accepted()) {
                    break;
                }
                accepted++;
            }
            assertEquals("spool_full", last.reason());
            assertEquals(1, last.pushedOut(), "the refused run is counted");
            assertTrue(accepted >= 6 && accepted <= 8, "about three quarters of 1 MiB for one experiment: " + accepted);
            assertTrue(spool.add("p", run("preds", "pred", 100_000)).accepted(), "another experiment still has room");
            assertTrue(spool.bytes() <= bound);
            assertEquals(accepted + 1, spool.size(), "nothing accepted was dropped");
        }
    }

    @Test
    void writtenSegmentsAreDeletedOldestFirst() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20), 50_000)) {
            for (int i = 0; i < 20; i++) {
                spool.add("k" + i, run("preds", "run-" + i, 10_000));
            }
            assertTrue(segments().size() >= 4, "segments roll at 50 kB: " + segments());
            RunBacklog.Pending first = spool.poll();
            List<RunBacklog.Pending> rest = new ArrayList<>();
            RunBacklog.Pending p;
            while ((p = spool.poll()) != null) {
                rest.add(p);
            }
            rest.forEach(spool::done);
            assertTrue(segments().size() >= 4, "the oldest segment still holds an unwritten run, so none after it goes");
            spool.done(first);
            assertEquals(1, segments().size(), "all written: only the segment being appended to is left");
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(0, spool.size());
        }
    }

    @Test
    void aSecondProcessCannotUseTheSameFolder() throws IOException {
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            IOException e = assertThrows(IOException.class, () -> RunSpool.open(settings(8 << 20)));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertNotNull(spool);
        }
        RunSpool.open(settings(8 << 20)).close(); // released on close
    }

    @Test
    void aKeyWrittenTwiceIsKeptOnce() throws IOException {
        Path marker = dir.resolve("not-a-segment.txt");
        Files.writeString(marker, "left alone", StandardCharsets.UTF_8);
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            spool.add("same", run("preds", "first", 0));
        }
        try (RunSpool spool = RunSpool.open(settings(8 << 20))) {
            assertEquals(1, spool.size());
        }
        assertTrue(Files.exists(marker), "files that are not segments are not touched");
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }
}
