package dev.mlportfolio.server.tasks.redis;

import dev.mlportfolio.core.Uris;
import dev.mlportfolio.server.tasks.TaskQueueUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The queue's pooled Redis client and what it knows about reaching Redis: the last problem (for
 * {@code /health}), cleared by the next call that works. Calls that fail to connect become
 * {@link TaskQueueUnavailableException}.
 *
 * <p>After Redis restarts, every pooled connection is dead: a connection failure drops the idle
 * ones and tries the call once more, so the first request after Redis is back is served. When
 * Redis has lost the consumer group (it restarted without its data), {@code recreateGroup} runs.
 */
final class RedisConnection implements AutoCloseable {
    private final URI uri;
    private final RedisClient client;
    private final Runnable recreateGroup;
    private volatile String problem;

    /**
     * @param connections   pool size: a blocking read per worker, plus room for requests and heartbeats
     * @param recreateGroup what makes the consumer group again; also run when Redis is reachable again after an outage
     */
    RedisConnection(URI uri, int connections, Runnable recreateGroup) {
        this.uri = uri;
        this.recreateGroup = recreateGroup;
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(connections);
        pool.setMaxIdle(connections);
        pool.setMaxWait(Duration.ofSeconds(2)); // a request waits this long for a connection, then answers 503
        pool.setTestWhileIdle(true);
        this.client = RedisClient.builder().fromURI(uri).poolConfig(pool).build();
    }

    RedisClient client() {
        return client;
    }

    /** The Redis URL without credentials, for logs and {@code /health}. */
    String location() {
        return Uris.withoutCredentials(uri);
    }

    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Runs a call; a failed connection is tried once more on fresh connections. */
    <T> T call(Supplier<T> call) {
        try {
            return succeeded(call.get());
        } catch (JedisConnectionException e) {
            failed(e);
            try {
                return succeeded(call.get());
            } catch (JedisException again) {
                throw failed(again);
            }
        } catch (JedisException e) {
            throw failed(e);
        }
    }

    /** Clears the problem after a call that worked outside {@link #call}. */
    <T> T succeeded(T value) {
        if (problem != null) {
            problem = null;
        }
        return value;
    }

    /** Records why Redis cannot be used and returns the exception to throw. */
    TaskQueueUnavailableException failed(JedisException e) {
        problem = "Redis at " + location() + " cannot be used: "
                + (e instanceof JedisConnectionException ? "no connection" : "a command failed")
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        if (e instanceof JedisConnectionException) {
            try {
                client.getPool().clear(); // the idle connections are as dead as this one
            } catch (RuntimeException closing) {
                // the pool may be closing; the next call finds out
            }
        }
        if (lostGroup(e)) {
            recreateGroup.run();
        }
        return new TaskQueueUnavailableException(problem, e);
    }

    /** Redis answered that the consumer group does not exist: it restarted without its data. */
    static boolean lostGroup(JedisException e) {
        return e instanceof JedisDataException && String.valueOf(e.getMessage()).startsWith("NOGROUP");
    }

    /** A PING; Redis back after a problem gets its consumer group again if it lost it. False while it cannot be reached. */
    boolean ping() {
        try {
            client.ping();
            if (problem != null) {
                recreateGroup.run();
            }
            problem = null;
            return true;
        } catch (JedisException e) {
            failed(e);
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
