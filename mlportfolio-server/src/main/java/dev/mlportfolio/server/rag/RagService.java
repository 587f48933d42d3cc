package dev.mlportfolio.server.rag;

import dev.mlportfolio.server.access.Access;
import dev.mlportfolio.server.access.RateGroup;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.answer.Source;
import dev.mlportfolio.core.rag.generate.GeneratorBusyException;
import dev.mlportfolio.core.rag.generate.PromptTooLongException;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.server.ComputeExecutor;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.http.ApiRoutes;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.http.RequestBodies;
import dev.mlportfolio.server.http.RequestId;
import dev.mlportfolio.server.metrics.ServerMetrics;
import dev.mlportfolio.server.tasks.TaskPayload;
import dev.mlportfolio.server.tasks.TaskRecord;
import dev.mlportfolio.server.tasks.TaskService;
import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.tracking.ServerTracking;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code GET /rag/info}, {@code GET /rag/health}, {@code POST /rag/query} (JSON, or server-sent
 * events with {@code "stream": true}) and {@code POST /rag/query/async}. The health route runs no
 * query: it reports the pipeline's state and counters.
 */
public final class RagService {
    static final String TASK_KIND = "rag_query";
    static final int MAX_QUERY_CHARS = 1000;
    static final int MAX_TOP_K = 50;
    static final long MAX_BODY_BYTES = 16 * 1024;
    // Tab, line feed and carriage return are fine in a question; other control characters are not.
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");

    /**
     * A checked {@code POST /rag/query} body.
     *
     * @param answerMode auto (the model's answer when its facts are in the sources), generative or extractive
     */
    public record RagQuery(String query, boolean includeMetadata, Integer topK, boolean stream, RetrievalMode retrievalMode,
                           AnswerMode answerMode) {
        ResumeQa.Options options() {
            return new ResumeQa.Options(topK == null ? ResumeQa.DEFAULT_TOP_K : topK, retrievalMode, answerMode);
        }
    }

    /** The body of a query answer; {@code metadata} only with {@code include_metadata}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueryResponse(boolean success, String response, String error, double processingTime, String query,
                                boolean found, List<Source> sources, Metadata metadata) {
    }

    /** Counters and how the answer was made; {@code generation} when the model was asked. */
    public record Metadata(long totalQueries, long successfulQueries, double successRate, String mode, String answerMode,
                           String model, String retrieval, Map<String, Double> timingsMs, int promptTokens, int outputTokens,
                           @JsonInclude(JsonInclude.Include.NON_NULL) GenerationInfo generation) {
    }

    /**
     * What the model did: its own text (also when the extractive answer was shown instead), whether
     * its facts are in the sources, and why it stopped.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GenerationInfo(String text, boolean grounded, List<String> unsupportedFacts, String finishReason,
                                 boolean shown, String fallbackReason, int reusedPromptTokens, double firstTokenMs) {
        static GenerationInfo of(Answer.Generation g) {
            return new GenerationInfo(g.text(), g.grounding().grounded(), g.grounding().unsupported(), g.finishReason(),
                    g.fallback() == null, g.fallback(), g.reusedPromptTokens(), Math.round(g.firstTokenMs() * 10) / 10.0);
        }
    }

    public record Info(String serviceName, boolean initialized, String state, String workingDir, String resumePath,
                       List<String> documents, int chunks, String embeddingModel, String generativeModel,
                       String generativeEngine, String mode,
                       long totalQueries, long successfulQueries, double successRate, double initializationTime,
                       Boolean indexRebuilt, String message) {
    }

    public record Health(String status, boolean initialized, long totalQueries, long successfulQueries, String error) {
    }

    private final LoadedRag rag;
    private final ServerMetrics metrics;
    private final TaskService tasks;
    private final ComputeExecutor compute;
    private final RagRuns runs;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong successful = new AtomicLong();

    public RagService(LoadedRag rag, ServerMetrics metrics, TaskService tasks, ComputeExecutor compute,
                      ServerTracking tracking) {
        this.rag = rag;
        this.metrics = metrics;
        this.tasks = tasks;
        this.compute = compute;
        this.runs = new RagRuns(tracking);
    }

    public void routes(ApiRoutes routes) {
        routes.get("/rag/info", this::info)
                .get("/rag/health", Access.PUBLIC, this::health)
                .post("/rag/query", Access.limited(RateGroup.RAG), this::query)
                .post("/rag/query/async", Access.limited(RateGroup.RAG), this::queryLater);
        tasks.handle(TASK_KIND, this::runTask);
    }

    private void info(ServerRequest req, ServerResponse res) {
        ResumeQa qa = rag.qa().orElse(null);
        Json.send(res, Status.OK_200, new Info("RAG Service", qa != null, rag.state().name().toLowerCase(Locale.ROOT),
                rag.workingDir().toString(), rag.resumePath().toString(), rag.documents(), qa == null ? 0 : qa.chunks().size(),
                qa == null ? null : qa.embedderName(), qa == null ? null : qa.generatorName().orElse(null),
                qa == null ? null : rag.generatorEngine(),
                qa == null ? null : (qa.generatorName().isPresent() ? AnswerMode.GENERATIVE : AnswerMode.EXTRACTIVE).id(),
                total.get(), successful.get(), rate(), rag.loadSeconds(), qa == null ? null : qa.indexRebuilt(),
                qa == null ? rag.problem() : rag.generatorProblem()));
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean ready = rag.state() == LoadedRag.State.READY;
        String status = switch (rag.state()) {
            case READY -> "healthy";
            case LOADING -> "loading";
            case UNAVAILABLE -> "unavailable";
            case FAILED -> "unhealthy";
        };
        Json.send(res, ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                new Health(status, ready, total.get(), successful.get(), ready ? null : rag.problem()));
    }

    private void query(ServerRequest req, ServerResponse res) {
        RagQuery query = parse(RequestBodies.readJsonObject(req, MAX_BODY_BYTES));
        ResumeQa qa = ready();
        if (!query.stream()) {
            Json.send(res, Status.OK_200, answer(qa, query, null, RunContext.sync(RequestId.of(req))));
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = res.outputStream()) {
            try {
                QueryResponse done = answer(qa, query, piece -> tokenEvent(out, piece),
                        RunContext.stream(RequestId.of(req)));
                event(out, "done", done);
            } catch (ApiException e) {
                event(out, "error", Map.of("success", false, "error", e.code(), "message", e.getMessage()));
            } catch (ClientGoneException e) {
                // Nothing to tell a client that left; its generation has stopped.
            } catch (RuntimeException e) {
                event(out, "error", Map.of("success", false, "error", "rag_failed", "message", "answering failed; the error is logged"));
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks the question now, then queues the request body itself as the task's payload. */
    private void queryLater(ServerRequest req, ServerResponse res) {
        JsonNode body = RequestBodies.readJsonObject(req, MAX_BODY_BYTES);
        RagQuery query = parse(body);
        if (query.stream()) {
            throw ApiException.unprocessable("field 'stream' cannot be used with /rag/query/async; poll the task instead");
        }
        ready();
        tasks.submit(req, res, TASK_KIND, "question queued; poll the Location for the answer", TaskPayload.of(body));
    }

    private JsonNode runTask(TaskRecord task, TaskPayload payload) {
        return Json.tree(answer(ready(), parse(payload.params()), null, RunContext.async(task.requestId(), task.taskId())));
    }

    private ResumeQa ready() {
        return rag.qa().orElseThrow(() -> rag.state() == LoadedRag.State.LOADING
                ? new ApiException(Status.SERVICE_UNAVAILABLE_503, "rag_loading", rag.problem(), Map.of("Retry-After", "5"))
                : ApiException.unavailable("rag_unavailable", rag.problem()));
    }

    private QueryResponse answer(ResumeQa qa, RagQuery query, Consumer<String> onToken, RunContext context) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        total.incrementAndGet();
        Answer answer;
        try {
            // Generation is seconds of CPU that would hold a virtual thread's carrier: it runs on the
            // compute pool. An extractive answer stays on the request's thread: its Java work is a
            // millisecond, and its question embedding waits parked for the embedder's next batch, so
            // questions asked together share one run (MiniLmEmbedder); on the pool, at most one
            // question per pool thread could wait there.
            answer = qa.asksTheModel(query.options()) ? compute.call(() -> qa.answer(query.query(), query.options(), onToken))
                    : qa.answer(query.query(), query.options(), onToken);
        } catch (InterruptedException e) {
            runs.failed(context, qa, query, e, startedAt);
            throw new IllegalStateException("interrupted while answering", e);
        } catch (ClientGoneException e) {
            metrics.ragGeneration("cancelled", 0);
            throw e;
        } catch (PromptTooLongException e) {
            metrics.ragGeneration("too_long", 0);
            throw new ApiException(Status.UNPROCESSABLE_CONTENT_422, "question_too_long", e.getMessage());
        } catch (GeneratorBusyException e) {
            metrics.ragGeneration("busy", 0);
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "generator_busy",
                    "every language-model slot is busy (RAG_MAX_GENERATIONS); retry shortly", Map.of("Retry-After", "5"));
        } catch (Exception e) {
            runs.failed(context, qa, query, e, startedAt);
            metrics.ragQuery("error", (qa.asksTheModel(query.options()) ? AnswerMode.GENERATIVE : AnswerMode.EXTRACTIVE).id(),
                    (System.nanoTime() - start) / 1e9);
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        successful.incrementAndGet();
        answer.generation().ifPresent(g -> metrics.ragGeneration(g.fallback() == null ? "shown" : "fallback",
                answer.outputTokens()));
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.ragQuery(answer.found() ? "success" : "not_found", answer.mode().id(), seconds);
        metrics.ragStage("embedding", answer.timings().embeddingMs() / 1000);
        metrics.ragStage("retrieval", answer.timings().retrievalMs() / 1000);
        metrics.ragStage("answer", answer.timings().answerMs() / 1000);
        runs.answered(context, qa, query, answer, seconds, startedAt);
        Metadata metadata = !query.includeMetadata() ? null : new Metadata(total.get(), successful.get(), rate(),
                answer.mode().id(), qa.generatorName().isPresent() ? query.answerMode().id() : AnswerMode.EXTRACTIVE.id(),
                qa.generatorName().orElse(null), answer.retrieval().id(),
                Map.of("embedding", round(answer.timings().embeddingMs()), "retrieval", round(answer.timings().retrievalMs()),
                        "answer", round(answer.timings().answerMs())),
                answer.promptTokens(), answer.outputTokens(), answer.generation().map(GenerationInfo::of).orElse(null));
        return new QueryResponse(true, answer.text(), null, seconds, query.query(), answer.found(), answer.sources(), metadata);
    }

    private double rate() {
        long all = total.get();
        return all == 0 ? 0 : successful.get() / (double) all;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    /** A write to a client that closed its connection: generation stops at the next token. */
    static final class ClientGoneException extends RuntimeException {
        ClientGoneException(IOException cause) {
            super("the client closed the connection", cause);
        }
    }

    private static void tokenEvent(OutputStream out, String piece) {
        try {
            event(out, "token", Map.of("text", piece));
        } catch (UncheckedIOException e) {
            throw new ClientGoneException(e.getCause());
        }
    }

    private static void event(OutputStream out, String name, Object data) {
        try {
            out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.write(Json.bytes(data));
            out.write("\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks a query body: types, lengths and characters. */
    public static RagQuery parse(JsonNode body) {
        JsonNode query = body.get("query");
        if (query == null || query.isNull()) {
            throw ApiException.unprocessable("field 'query' is required: the question to answer, 1 to "
                    + MAX_QUERY_CHARS + " characters");
        }
        if (!query.isTextual()) {
            throw ApiException.unprocessable("field 'query' must be a string, not " + kind(query));
        }
        String text = query.textValue();
        if (text.isBlank()) {
            throw ApiException.unprocessable("field 'query' is empty; ask a question");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > MAX_QUERY_CHARS) {
            throw ApiException.unprocessable("field 'query' has " + chars + " characters; the limit is " + MAX_QUERY_CHARS);
        }
        if (CONTROL.matcher(text).find()) {
            throw ApiException.unprocessable("field 'query' contains control characters; send plain text");
        }
        return new RagQuery(text.strip(), bool(body, "include_metadata"), topK(body), bool(body, "stream"),
                retrievalMode(body), answerMode(body));
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.unprocessable("field '" + field + "' must be true or false, not " + kind(node));
        }
        return node.booleanValue();
    }

    private static Integer topK(JsonNode body) {
        JsonNode node = body.get("top_k");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_TOP_K) {
            throw ApiException.unprocessable("field 'top_k' must be a whole number from 1 to " + MAX_TOP_K);
        }
        return node.intValue();
    }

    private static RetrievalMode retrievalMode(JsonNode body) {
        JsonNode node = body.get("retrieval_mode");
        if (node == null || node.isNull()) {
            return RetrievalMode.HYBRID;
        }
        return (node.isTextual() ? RetrievalMode.parse(node.textValue()) : java.util.Optional.<RetrievalMode>empty())
                .orElseThrow(() -> ApiException.unprocessable("field 'retrieval_mode' must be hybrid, bm25 or vector"));
    }

    private static AnswerMode answerMode(JsonNode body) {
        JsonNode node = body.get("answer_mode");
        if (node == null || node.isNull()) {
            return AnswerMode.AUTO;
        }
        return (node.isTextual() ? AnswerMode.parse(node.textValue()) : java.util.Optional.<AnswerMode>empty())
                .orElseThrow(() -> ApiException.unprocessable("field 'answer_mode' must be auto, generative or extractive"));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
