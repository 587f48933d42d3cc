package dev.mlportfolio.core.rag.generate;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One key-value cache per generation allowed at once, kept between generations. Each remembers
 * the tokens whose keys and values it holds, so the next prompt skips the part it shares with the
 * last one: the system instructions and chat markers of every RAG prompt, and all of a repeated
 * question. Jlama keeps them in 8 MB pages memory-mapped from files in the model's working folder
 * (its in-memory "ephemeral" buffers use 1 MB pages and measured 25% slower here); the generator
 * deletes those files when it closes.
 * The number of slots is also the bound on concurrent generations: a caller waits for a free one.
 */
final class KvSlots implements AutoCloseable {
    /** A cache and the tokens it holds. */
    static final class Slot {
        final KvBufferCache.KvBuffer buffer;
        private int[] tokens = new int[0];
        private int valid;

        Slot(KvBufferCache.KvBuffer buffer) {
            this.buffer = buffer;
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
            buffer.setCurrentContextPosition(count);
        }
    }

    private final BlockingQueue<Slot> free;
    private final int size;

    KvSlots(AbstractModel model, int size) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(size);
        KvBufferCache cache = new KvBufferCache(model);
        for (int i = 0; i < size; i++) {
            free.add(new Slot(cache.getKvBuffer(UUID.randomUUID())));
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
            slot.buffer.close();
        }
    }
}
