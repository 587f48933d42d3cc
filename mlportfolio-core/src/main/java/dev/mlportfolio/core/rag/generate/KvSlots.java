package dev.mlportfolio.core.rag.generate;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One key-value cache per generation allowed at once, kept between generations. Each remembers
 * the tokens whose keys and values it holds, so the next prompt skips the part it shares with the
 * last one: the system instructions and chat markers of every RAG prompt, and all of a repeated
 * question.
 * The number of slots is also the bound on concurrent generations: a caller waits for a free one.
 */
final class KvSlots implements AutoCloseable {
    /** A cache and the tokens it holds. */
    static final class Slot {
        final DecoderModel.Cache cache;
        private int[] tokens = new int[0];
        private int valid;

        Slot(DecoderModel.Cache cache) {
            this.cache = cache;
        }

        /** How many leading tokens of {@code prompt} this cache already holds (at least one is left to run). */
        int reusable(int[] prompt) {
            int limit = Math.min(valid, prompt.length - 1);
            int i = 0;
            while (i < limit && tokens[i] == prompt[i]) {
                i++;
            }
            return i;
        }

        /** Records that positions {@code [0, count)} now hold {@code ids}. */
        void holds(int[] ids, int count) {
            tokens = Arrays.copyOf(ids, count);
            valid = count;
            cache.keep(count);
        }
    }

    private final BlockingQueue<Slot> free;
    private final int size;

    KvSlots(DecoderModel model, int size) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            free.add(new Slot(model.newCache()));
        }
    }

    Slot acquire(Duration wait) throws InterruptedException {
        Slot slot = free.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (slot == null) {
            throw new GeneratorBusyException("all " + size + " generation slot(s) stayed busy for " + wait.toSeconds()
                    + " s; retry shortly");
        }
        return slot;
    }

    void release(Slot slot) {
        free.add(slot);
    }

    /** {@return generations running now} */
    int busy() {
        return size - free.size();
    }

    int size() {
        return size;
    }

    @Override
    public void close() {
        Slot slot;
        while ((slot = free.poll()) != null) {
            slot.cache.close();
        }
    }
}
