package dev.mlportfolio.server.tracking;

import dev.mlportfolio.core.tracking.RunSearch;
import dev.mlportfolio.core.tracking.TrackedRun;
import dev.mlportfolio.core.tracking.TrackingBackend;
import dev.mlportfolio.core.tracking.TrackingException;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /mlflow/runs}: runs of an experiment, newest first, read from MLflow on each call.
 *
 * <p>Query: {@code experiment} (default {@code MLFLOW_EXPERIMENT_NAME}), {@code max_results}
 * (1..1000, default 50), {@code filter} (MLflow search syntax, e.g. {@code metrics.num_instances_detected > 2};
 * passed to MLflow as a value, never spliced into anything), {@code order_by} (repeatable, e.g.
 * {@code metrics.prediction_time_ms DESC}).
 */
public final class MlflowRunsService {
    static final int DEFAULT_MAX_RESULTS = 50;
    static final int MAX_FILTER_CHARS = 4000;
    static final int MAX_ORDER_BY = 10;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

    /** One run; times are ISO-8601, {@code end_time} is null while it runs. */
    public record RunJson(String runId, String runName, String status, Instant startTime, Instant endTime,
                         String artifactUri, Map<String, String> params, Map<String, Double> metrics,
                         Map<String, String> tags) {
        static RunJson of(TrackedRun run) {
            return new RunJson(run.runId(), run.runName(), run.status(), run.startTime(), run.endTime(), run.artifactUri(),
                    run.params(), run.metrics(), run.tags());
        }
    }

    public record RunsJson(String experiment, int count, List<RunJson> runs) {
    }

    private final ServerTracking tracking;

    public MlflowRunsService(ServerTracking tracking) {
        this.tracking = tracking;
    }

    public void routes(ApiRoutes routes) {
        routes.get("/mlflow/runs", this::runs);
    }

    private void runs(ServerRequest req, ServerResponse res) {
        RunSearch search = search(req);
        TrackingBackend reader = tracking.reader()
                .orElseThrow(() -> ApiException.unavailable("mlflow_unavailable", tracking.offMessage()));
        List<TrackedRun> runs;
        try {
            runs = reader.searchRuns(search);
        } catch (TrackingException e) {
            runs = switch (e.kind()) {
                case UNAVAILABLE -> throw ApiException.unavailable("mlflow_unreachable", e.getMessage());
                case REJECTED -> throw ApiException.badRequest("invalid_search", e.getMessage());
                // The server's own experiments exist only once something was logged; until then they are empty.
                case NOT_FOUND -> {
                    if (search.experiment().equals(tracking.predictionExperiment())
                            || search.experiment().equals(tracking.ragExperiment())) {
                        yield List.of();
                    }
                    throw ApiException.notFound("experiment_not_found", e.getMessage());
                }
            };
        }
        List<RunJson> body = runs.stream().map(RunJson::of).toList();
        Json.send(res, Status.OK_200, new RunsJson(search.experiment(), body.size(), body));
    }

    private RunSearch search(ServerRequest req) {
        String experiment = req.query().first("experiment").map(String::strip).filter(v -> !v.isEmpty())
                .orElse(tracking.predictionExperiment());
        if (experiment.length() > 500 || CONTROL.matcher(experiment).find()) {
            throw invalid("experiment", "an experiment name of 1 to 500 printable characters");
        }
        int maxResults = DEFAULT_MAX_RESULTS;
        String raw = req.query().first("max_results").orElse(null);
        if (raw != null) {
            if (!raw.strip().matches("[0-9]{1,4}")) {
                throw invalid("max_results", "a whole number from 1 to " + RunSearch.MAX_RESULTS);
            }
            maxResults = Integer.parseInt(raw.strip());
            if (maxResults < 1 || maxResults > RunSearch.MAX_RESULTS) {
                throw invalid("max_results", "a whole number from 1 to " + RunSearch.MAX_RESULTS);
            }
        }
        String filter = req.query().first("filter").map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (filter != null && (filter.length() > MAX_FILTER_CHARS || CONTROL.matcher(filter).find())) {
            throw invalid("filter", "an MLflow filter of at most " + MAX_FILTER_CHARS
                    + " printable characters, e.g. metrics.num_instances_detected > 2");
        }
        List<String> orderBy = req.query().all("order_by", List::of).stream().map(String::strip)
                .filter(v -> !v.isEmpty()).toList();
        if (orderBy.size() > MAX_ORDER_BY || orderBy.stream().anyMatch(v -> v.length() > 256 || CONTROL.matcher(v).find())) {
            throw invalid("order_by", "up to " + MAX_ORDER_BY + " clauses such as 'metrics.prediction_time_ms DESC'");
        }
        return new RunSearch(experiment, filter, orderBy, maxResults);
    }

    private static ApiException invalid(String name, String expected) {
        return ApiException.badRequest("invalid_parameter", "query parameter " + name + " is not valid: expected " + expected);
    }
}
