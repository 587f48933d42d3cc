package dev.mlportfolio.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How a scrape is written: on a platform thread, whichever thread asks (see {@link ServerMetrics#scrape()}). */
class ServerMetricsTest {
    @Test
    void aScrapeAskedForOnAVirtualThreadIsWrittenOnAPlatformThread() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        AtomicBoolean readOnVirtual = new AtomicBoolean(true);
        // Callbacks run while the scrape is written, so they see the thread that writes it.
        metrics.gauge("probe_gauge", "Reports the thread that reads it", () -> {
            readOnVirtual.set(Thread.currentThread().isVirtual());
            return 1;
        });
        AtomicReference<String> text = new AtomicReference<>();
        Thread.ofVirtual().start(() -> text.set(new String(metrics.scrape(), StandardCharsets.UTF_8))).join();
        assertFalse(readOnVirtual.get(), "written on a platform thread");
        assertTrue(text.get().contains("probe_gauge 1.0"), text.get());
        assertTrue(text.get().contains("# TYPE jvm_memory_used_bytes gauge"), "the JVM meters too");
    }

    @Test
    void scrapesFromManyVirtualThreadsAtOnceAllGetTheWholeText() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        String alone = new String(metrics.scrape(), StandardCharsets.UTF_8);
        List<Thread> threads = new ArrayList<>();
        List<String> texts = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 16; i++) {
            threads.add(Thread.ofVirtual().start(() -> texts.add(new String(metrics.scrape(), StandardCharsets.UTF_8))));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(16, texts.size());
        // Values change between scrapes, and a family can appear (the allocation counters after the
        // first collection), but none goes missing and no text is cut short.
        for (String t : texts) {
            assertTrue(families(t).containsAll(families(alone)), t);
            assertTrue(t.endsWith("\n"), "ends with a whole line");
        }
    }

    private static List<String> families(String text) {
        return text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
    }
}
