package dev.mlportfolio.server;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Platform threads for the CPU-heavy work of a request: decoding and inference, embedding and
 * generation. Requests run on virtual threads, which share a carrier thread per core; native
 * calls (ONNX Runtime, OpenCV, Jlama) pin their carrier for as long as they run, so on a small
 * machine a few inferences left no carrier for anything else and health probes and short
 * requests waited seconds. Handing the work to this pool parks the virtual thread instead, and
 * the pool's queue serves the work first come, first served. (An extractive RAG answer is the
 * exception: its embedding runs one at a time for the whole server, so it holds at most one
 * carrier, and questions waiting for it park; see RagService.)
 */
public final class ComputeExecutor implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;

    public ComputeExecutor(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("compute-", 0).daemon(true).factory());
    }

    public int threads() {
        return threads;
    }

    /** Runs the work on the pool and waits for it; its exception, if any, is rethrown as it was. */
    public <T> T call(Callable<T> work) throws Exception {
        Future<T> future = pool.submit(work);
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
