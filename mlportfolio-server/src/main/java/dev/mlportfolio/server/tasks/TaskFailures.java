package dev.mlportfolio.server.tasks;

import dev.mlportfolio.core.rag.generate.PromptTooLongException;
import dev.mlportfolio.server.errors.ErrorReporter;
import dev.mlportfolio.server.errors.ErrorTags;
import dev.mlportfolio.server.http.ApiException;
import java.time.Duration;

/**
 * A task listener that also reports failed tasks to the {@link ErrorReporter}, except those that
 * failed on what the client sent (a 4xx {@code ApiException}, a question too long for the model).
 */
public final class TaskFailures implements TaskManager.Listener {
    private final TaskManager.Listener next;
    private final ErrorReporter reporter;

    public TaskFailures(TaskManager.Listener next, ErrorReporter reporter) {
        this.next = next;
        this.reporter = reporter;
    }

    @Override
    public void submitted(String kind, String outcome) {
        next.submitted(kind, outcome);
    }

    @Override
    public void finished(String kind, TaskStatus status, Duration runTime) {
        next.finished(kind, status, runTime);
    }

    @Override
    public void claimed(String kind, int attempt) {
        next.claimed(kind, attempt);
    }

    @Override
    public void handedBack(String kind) {
        next.handedBack(kind);
    }

    @Override
    public void failed(TaskRecord task, Throwable error) {
        next.failed(task, error);
        boolean clientsFault = error instanceof ApiException api && api.status().code() < 500
                || error instanceof PromptTooLongException;
        if (!clientsFault) {
            reporter.report(error, ErrorTags.task(task.kind(), task.taskId(), task.requestId()));
        }
    }
}
