import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.mlportfolio.server.tasks.InMemoryTaskQueue;
import dev.mlportfolio.server.tasks.TaskManager;
import dev.mlportfolio.server.tasks.TaskPayload;
import dev.mlportfolio.server.tasks.TaskQueue;
import dev.mlportfolio.server.tasks.TaskStatus;
import dev.mlportfolio.server.tasks.redis.RedisTaskQueue;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task backends' own cost, side by side in one JVM: submit-to-start latency of a task that
 * does nothing (one at a time, the workers idle), the submit call itself, and the throughput of a
 * burst of such tasks, for the in-memory queue and the Redis queue.
 * Usage: TaskBench <redis uri> [tasks]. Run by scripts/bench_tasks.sh.
 */
public class TaskBench {
    public static void main(String[] args) throws Exception {
        URI redis = URI.create(args[0]);
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        for (int round = 0; round < 2; round++) { // A, B, A, B: the second round is the one to read
            run("memory", new InMemoryTaskQueue(Clock.systemUTC()), tasks, round);
            run("redis", new RedisTaskQueue(new RedisTaskQueue.Settings(redis, "bench" + round + ":",
                    Duration.ofSeconds(60), 40, "bench-" + round), Clock.systemUTC()), tasks, round);
        }
    }

    private static void run(String name, TaskQueue queue, int tasks, int round) throws Exception {
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        TaskManager manager = new TaskManager(queue, new TaskManager.Settings(2, tasks + 1, Duration.ofMinutes(10),
                Duration.ofMinutes(1)), Clock.systemUTC(), TaskManager.Listener.NONE);
        manager.handle("noop", (task, payload) -> {
            startedAt.put(task.taskId(), System.nanoTime());
            return LongNode.valueOf(1);
        }).start();
        try {
            TaskPayload payload = TaskPayload.of(JsonNodeFactory.instance.objectNode().put("query", "x".repeat(64)));
            long[] toStart = new long[tasks];
            long[] submitCall = new long[tasks];
            long[] toResult = new long[tasks];
            for (int i = 0; i < tasks; i++) {
                long t0 = System.nanoTime();
                String id = manager.submit("noop", "bench", payload).taskId();
                long t1 = System.nanoTime();
                while (manager.get(id).orElseThrow().status() != TaskStatus.COMPLETED) {
                    Thread.onSpinWait();
                }
                long t2 = System.nanoTime();
                submitCall[i] = t1 - t0;
                toStart[i] = startedAt.get(id) - t0;
                toResult[i] = t2 - t0;
            }
            List<String> ids = new ArrayList<>();
            long burstStart = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                ids.add(manager.submit("noop", "bench", payload).taskId());
            }
            for (String id : ids) {
                while (manager.get(id).orElseThrow().status() != TaskStatus.COMPLETED) {
                    Thread.sleep(1);
                }
            }
            double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
            if (round > 0) {
                System.out.printf(Locale.ROOT, "%-6s submit call p50 %s p99 %s | submit-to-start p50 %s p99 %s | "
                                + "submit-to-result-visible p50 %s p99 %s | burst of %d: %.0f tasks/s%n", name,
                        ms(submitCall, 50), ms(submitCall, 99), ms(toStart, 50), ms(toStart, 99), ms(toResult, 50),
                        ms(toResult, 99), tasks, tasks / burstSeconds);
            }
        } finally {
            manager.close();
        }
    }

    private static String ms(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.3f ms", sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6);
    }
}
