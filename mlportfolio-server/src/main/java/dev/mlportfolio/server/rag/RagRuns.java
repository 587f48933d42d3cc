package dev.mlportfolio.server.rag;

import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.tracking.RunOutcome;
import dev.mlportfolio.core.tracking.RunRecord;
import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.tracking.ServerTracking;
import java.time.Instant;

/**
 * The MLflow run of one resume question, in the RAG experiment. The question itself is not logged
 * (it may hold personal data), only its length. Answered questions are sampled at
 * {@code MLFLOW_RAG_SAMPLE_RATE}; failed ones are always logged.
 */
final class RagRuns {
    static final String RUN_NAME = "rag-query";

    private final ServerTracking tracking;

    RagRuns(ServerTracking tracking) {
        this.tracking = tracking;
    }

    void answered(RunContext context, ResumeQa qa, RagService.RagQuery query, Answer answer, double seconds,
                  Instant startedAt) {
        if (!tracking.sampleRagQuery()) {
            return;
        }
        tracking.log(base(context, qa, query, startedAt)
                .param("answer_mode", answer.mode().id())
                .metric("processing_time_ms", seconds * 1000)
                .metric("embedding_time_ms", answer.timings().embeddingMs())
                .metric("retrieval_time_ms", answer.timings().retrievalMs())
                .metric("generation_time_ms", answer.timings().answerMs())
                .metric("num_sources", answer.sources().size())
                .metric("found", answer.found() ? 1 : 0)
                .metric("prompt_tokens", answer.promptTokens())
                .metric("output_tokens", answer.outputTokens())
                .build());
    }

    void failed(RunContext context, ResumeQa qa, RagService.RagQuery query, Exception error, Instant startedAt) {
        if (!tracking.enabled()) {
            return;
        }
        tracking.log(base(context, qa, query, startedAt)
                .outcome(RunOutcome.FAILED)
                .tag("error", error.getClass().getSimpleName())
                .build());
    }

    private RunRecord.Builder base(RunContext context, ResumeQa qa, RagService.RagQuery query, Instant startedAt) {
        return ServerTracking.newRun(tracking.ragExperiment(), RUN_NAME, "rag_query", context, startedAt)
                .param("retrieval_mode", query.retrievalMode().id())
                .param("top_k", query.options().topK())
                .param("embedding_model", qa.embedderName())
                .param("generative_model", qa.generatorName().orElse(null))
                .metric("question_length_chars", query.query().codePointCount(0, query.query().length()));
    }
}
