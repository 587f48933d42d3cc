package dev.mlportfolio.core.tracking;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/** What the {@link AsyncTracker}'s writers do: write a run, or register a model. */
final class TrackerJobs {
    private static final Logger LOG = Logger.getLogger(AsyncTracker.class.getName());

    private TrackerJobs() {
    }

    sealed interface Job permits RunJob, RegisterJob {
        /** Does what is left of this job; throws at the step that failed, keeping the steps before it. */
        void advance(TrackingBackend backend);

        void done(AsyncTracker tracker, Duration writeTime);

        void refused(AsyncTracker tracker, TrackingException error);
    }

    /** A run being written; {@code written} once it needs no more writing (done, or refused for good). */
    static final class RunJob implements Job {
        final RunWrite write;
        boolean written;

        RunJob(RunWrite write) {
            this.write = write;
        }

        @Override
        public void advance(TrackingBackend backend) {
            write.advance(backend);
        }

        @Override
        public void done(AsyncTracker tracker, Duration writeTime) {
            written = true;
            tracker.logged.incrementAndGet();
            if (write.artifactsRefused > 0) {
                tracker.artifactsDropped.addAndGet(write.artifactsRefused);
                tracker.listener.artifactsDropped("rejected", write.artifactsRefused);
            }
            tracker.listener.logged(write.record(), writeTime);
        }

        @Override
        public void refused(AsyncTracker tracker, TrackingException error) {
            written = true;
            write.abandon(tracker.backend, error);
            tracker.rejected.incrementAndGet();
            LOG.warning("tracking run '" + write.record().runName() + "' refused and not retried: " + error.getMessage());
            tracker.listener.rejected(write.record(), error);
        }
    }

    static final class RegisterJob implements Job {
        final ModelRegistration model;
        final CompletableFuture<RegisteredModelVersion> result = new CompletableFuture<>();
        private RegisteredModelVersion version;

        RegisterJob(ModelRegistration model) {
            this.model = model;
        }

        @Override
        public void advance(TrackingBackend backend) {
            version = backend.registerModel(model);
        }

        @Override
        public void done(AsyncTracker tracker, Duration writeTime) {
            LOG.info("model " + version.name() + " version " + version.version()
                    + (version.created() ? " registered" : " already registered") + " (sha256 "
                    + model.sha256().substring(0, 12) + "...)");
            result.complete(version);
        }

        @Override
        public void refused(AsyncTracker tracker, TrackingException error) {
            LOG.warning("model " + model.name() + " not registered: " + error.getMessage());
            result.completeExceptionally(error);
        }
    }
}
