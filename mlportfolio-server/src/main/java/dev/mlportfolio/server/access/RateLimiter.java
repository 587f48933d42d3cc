package dev.mlportfolio.server.access;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mlportfolio.core.Uris;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * Per-client token buckets (Bucket4j), one per rate group and client. On one replica they live in a
 * bounded Caffeine cache; replicas that share {@code REDIS_URL} keep them in Redis, so a client's
 * budget is the same whichever replica it reaches. A bucket that has refilled to full is worth
 * nothing and expires.
 *
 * <p>When Redis cannot be reached the limiter lets requests through (logged once per outage, and
 * Redis asked again once a second rather than on every request): a
 * limit that fails closed would turn a Redis outage into an outage of every expensive route, while
 * the compute pool and queue bounds still protect the server.
 */
public final class RateLimiter implements AutoCloseable {
    /** Local buckets kept at most; past that the least recently used client starts afresh. */
    static final int MAX_LOCAL_CLIENTS = 100_000;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());

    /**
     * @param limit             requests the bucket holds when full
     * @param remaining         requests left after this one
     * @param retryAfterSeconds when refused, whole seconds until one more request is allowed
     */
    public record Decision(boolean allowed, long limit, long remaining, long retryAfterSeconds) {
    }

    private final Map<RateGroup, RateLimit> limits;
    private final Map<RateGroup, BucketConfiguration> configurations = new EnumMap<>(RateGroup.class);
    private final ProxyManager<String> buckets;
    private final String keyPrefix;
    private final AutoCloseable connection;
    private final String where;
    private volatile boolean failing;
    private volatile long nextTryNanos;

    private RateLimiter(Map<RateGroup, RateLimit> limits, ProxyManager<String> buckets, String keyPrefix,
                        AutoCloseable connection, String where) {
        this.limits = Map.copyOf(limits);
        this.buckets = buckets;
        this.keyPrefix = keyPrefix;
        this.connection = connection;
        this.where = where;
        this.limits.forEach((group, limit) -> configurations.put(group, BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit.requests()).refillGreedy(limit.requests(), limit.period()))
                .build()));
    }

    /** Buckets in this process. */
    public static RateLimiter local(Map<RateGroup, RateLimit> limits) {
        ProxyManager<String> buckets = Bucket4jCaffeine.<String>builderFor(Caffeine.newBuilder().maximumSize(MAX_LOCAL_CLIENTS))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                .build();
        return new RateLimiter(limits, buckets, "", () -> { }, "in memory");
    }

    /** Buckets in Redis, under {@code keyPrefix:rate:group:client}, shared by every replica using the same Redis. */
    public static RateLimiter shared(Map<RateGroup, RateLimit> limits, URI redis, String keyPrefix) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofMillis(500));
        RedisClient client = RedisClient.builder().fromURI(redis).poolConfig(pool).build();
        ProxyManager<String> buckets = Bucket4jJedis.casBasedBuilder(client)
                // Redis drops a bucket a second after it would be full again, so idle clients cost nothing.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
                .keyMapper(Mapper.STRING)
                .build();
        return new RateLimiter(limits, buckets, keyPrefix + ":rate:", client, "in Redis at " + Uris.withoutCredentials(redis));
    }

    public boolean limits(RateGroup group) {
        return limits.containsKey(group);
    }

    public Map<RateGroup, RateLimit> settings() {
        return limits;
    }

    /**
     * Takes one request from the client's budget for {@code group}.
     *
     * @return the decision, or empty when the group has no limit or the buckets cannot be reached
     */
    public Optional<Decision> take(RateGroup group, String budgetKey) {
        BucketConfiguration configuration = configurations.get(group);
        if (configuration == null) {
            return Optional.empty();
        }
        if (failing && System.nanoTime() - nextTryNanos < 0) {
            return Optional.empty(); // an unreachable Redis is asked once a second, not on every request
        }
        ConsumptionProbe probe;
        try {
            probe = buckets.builder().build(keyPrefix + group.id() + ":" + budgetKey, () -> configuration)
                    .tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            nextTryNanos = System.nanoTime() + RETRY_NANOS;
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "rate limits are not applied: the buckets " + where + " cannot be used ("
                        + e.getClass().getSimpleName() + "); requests pass until they can");
            }
            return Optional.empty();
        }
        if (failing) {
            failing = false;
            LOG.info("rate limits apply again: the buckets " + where + " can be used");
        }
        long limit = limits.get(group).requests();
        if (probe.isConsumed()) {
            return Optional.of(new Decision(true, limit, probe.getRemainingTokens(), 0));
        }
        long wait = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        return Optional.of(new Decision(false, limit, 0, wait));
    }

    /** Where the buckets are kept, for the start-up log. */
    public String where() {
        return where;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the rate limiter's Redis client failed", e);
        }
    }
}
