package dev.mlportfolio.server.tasks.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Lua scripts beside this class. Each step that touches more than one key (queue a task, start
 * it, settle it, hand it back) is one script, so Redis applies it whole or not at all, and a replica
 * that dies between two commands cannot leave a task half moved.
 *
 * <p>Scripts go with {@code EVAL} each time: Redis keeps the compiled script by its digest anyway,
 * and nothing has to be reloaded after Redis restarts (which {@code EVALSHA} would need).
 */
enum RedisScripts {
    OFFER("offer.lua"),
    START("start.lua"),
    MARK("mark.lua"),
    FINISH("finish.lua"),
    HAND_BACK("handback.lua"),
    HEARTBEAT("heartbeat.lua");

    private final byte[] source;

    RedisScripts(String resource) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            this.source = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Object eval(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        return redis.eval(source, keys, args);
    }

    /** A number, id or name as the UTF-8 bytes a script argument or key takes. */
    static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
