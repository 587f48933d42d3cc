package dev.mlportfolio.server.tasks.redis;

/**
 * Where the queue keeps things, all under one prefix:
 * <ul>
 *   <li>{@code stream}: a Redis Stream of task ids; the consumer group {@value #GROUP} hands each entry to one replica;</li>
 *   <li>{@code queued}, {@code running}: sorted sets of task ids (by time), which make the
 *       cluster-wide queue bound and gauges one {@code ZCARD} each;</li>
 *   <li>{@code task:<id>}: a hash per task: the record JSON, its status, the attempt counter and,
 *       until it is settled, the payload; it expires {@code TASK_RESULT_TTL} after it finished.</li>
 * </ul>
 */
record RedisKeys(String prefix) {
    static final String GROUP = "workers";

    byte[] stream() {
        return bytes(prefix + "stream");
    }

    byte[] queued() {
        return bytes(prefix + "queued");
    }

    byte[] running() {
        return bytes(prefix + "running");
    }

    byte[] task(String taskId) {
        return bytes(prefix + "task:" + taskId);
    }

    String streamName() {
        return prefix + "stream";
    }

    static byte[] group() {
        return bytes(GROUP);
    }

    private static byte[] bytes(String text) {
        return RedisScripts.bytes(text);
    }
}
