package dev.mlportfolio.server.tasks;

import dev.mlportfolio.core.Uris;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How async tasks run: the {@code TASK_*} settings and {@code REDIS_URL}.
 *
 * @param workers           tasks run at once on this replica ({@code TASK_WORKERS})
 * @param queueSize         tasks that may wait, across every replica when Redis is used ({@code TASK_QUEUE_SIZE})
 * @param resultTtl         how long a finished task's record is kept ({@code TASK_RESULT_TTL})
 * @param redisUrl          set: tasks are shared by every replica through this Redis; unset: in memory
 * @param redisKeyPrefix    prefix of the Redis keys ({@code REDIS_KEY_PREFIX}), so several deployments can share a Redis
 * @param visibilityTimeout how long a running task may go without its replica's heartbeat before
 *                          another replica takes it over ({@code TASK_VISIBILITY_TIMEOUT})
 * @param maxAttempts       starts before a task whose replica keeps dying is failed ({@code TASK_MAX_ATTEMPTS})
 */
public record TaskSettings(int workers, int queueSize, Duration resultTtl, Optional<URI> redisUrl, String redisKeyPrefix,
                           Duration visibilityTimeout, int maxAttempts) {
    public static final String DEFAULT_KEY_PREFIX = "mlportfolio:tasks:";
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Without the Redis password, which a {@code redis://user:password@host} URL may hold. */
    @Override
    public String toString() {
        return "TaskSettings[workers " + workers + ", queue " + queueSize + ", result TTL " + resultTtl
                + redisUrl.map(u -> ", redis " + Uris.withoutCredentials(u) + ", key prefix " + redisKeyPrefix
                        + ", visibility timeout " + visibilityTimeout + ", max attempts " + maxAttempts).orElse(", in memory")
                + "]";
    }
}
