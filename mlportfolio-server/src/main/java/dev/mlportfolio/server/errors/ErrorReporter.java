package dev.mlportfolio.server.errors;

import java.util.Map;

/**
 * Where unexpected failures go besides the log: the 5xx path, failed tasks, models that do not
 * load. {@link SentryReporter} sends them to Sentry when {@code SENTRY_DSN} is set; otherwise
 * {@link #NONE} drops them, and nothing leaves the process.
 */
public interface ErrorReporter extends AutoCloseable {
    ErrorReporter NONE = new ErrorReporter() {
        @Override
        public void report(Throwable error, Map<String, String> tags) {
        }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void close() {
        }
    };

    /**
     * Reports one failure. Never throws and never blocks on the network.
     *
     * @param tags what the failure was part of ({@link ErrorTags}); never request bodies, uploads or questions
     */
    void report(Throwable error, Map<String, String> tags);

    boolean enabled();

    /** Sends what is still queued, for a few seconds at most. */
    @Override
    void close();
}
