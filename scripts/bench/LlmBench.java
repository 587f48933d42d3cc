import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.generate.Completion;
import dev.mlportfolio.core.rag.generate.Engine;
import dev.mlportfolio.core.rag.generate.JlamaGenerator;
import dev.mlportfolio.core.rag.generate.StopRules;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Jlama generation speed on a typical RAG prompt (the sample resume's top 5 excerpts for a
 * question, about 330 tokens with SmolLM2's chat template): prompt tokens/s with a cold cache,
 * time to first token cold and with the instructions' prefix cached (a new question), generation
 * tokens/s over a fixed 64-token budget, and peak RSS. Prints one JSON line per model folder and
 * writes the rendered prompt to PROMPT_OUT (so llama.cpp gets the very same text).
 *
 *   java ... scripts/bench/LlmBench.java MODEL_DIR [PROMPT_OUT]
 */
public class LlmBench {
    static final String QUESTION = "What did you build at Bluefjord Analytics?";
    static final String OTHER = "Which programming languages do you know?";

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path work = Files.createTempDirectory("llm-bench");
        int runs = Integer.getInteger("runs", 5);
        try (ResumeQa qa = ResumeQa.builder().documents(List.of(DocumentLoader.load(Path.of("data/resume.md"))))
                .workingDir(work).build();
             JlamaGenerator generator = JlamaGenerator.load(model,
                     JlamaGenerator.Options.DEFAULT.withEngine(Engine.valueOf(System.getProperty("engine", "AUTO")))
                             .withThreads(Integer.getInteger("threads", Runtime.getRuntime().availableProcessors())))) {
            String prompt = generator.prompt(QUESTION, chunks(qa, QUESTION));
            String other = generator.prompt(OTHER, chunks(qa, OTHER));
            if (args.length > 1) {
                Files.writeString(Path.of(args[1]), prompt);
            }
            StopRules none = StopRules.NONE;
            generator.complete(prompt, 8, none, null); // warm-up: JIT and tensor caches
            double[] cold = new double[runs];
            double[] prefillRate = new double[runs];
            double[] warm = new double[runs];
            double[] decode = new double[runs];
            int promptTokens = generator.encode(prompt).length;
            int reused = 0;
            for (int i = 0; i < runs; i++) {
                generator.complete("<|im_start|>x", 1, none, null); // evict the cached prompt
                Completion c = generator.complete(prompt, 64, none, null);
                cold[i] = c.firstTokenMs();
                prefillRate[i] = (promptTokens - c.reusedPromptTokens()) / (c.prefillMs() / 1000);
                decode[i] = c.decodeTokensPerSecond();
                Completion w = generator.complete(i % 2 == 0 ? other : prompt, 1, none, null);
                warm[i] = w.firstTokenMs();
                reused = w.reusedPromptTokens();
            }
            System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"engine\": \"%s\", \"prompt_tokens\": %d, \"prompt_tok_s\": %.1f, "
                            + "\"ttft_cold_ms\": %.0f, \"ttft_new_question_ms\": %.0f, \"reused_prefix_tokens\": %d, "
                            + "\"gen_tok_s\": %.1f, \"peak_rss_mb\": %d}%n",
                    model.getFileName(), generator.engine(), promptTokens, median(prefillRate), median(cold), median(warm), reused,
                    median(decode), peakRssMb());
        }
    }

    static List<Chunk> chunks(ResumeQa qa, String question) {
        return qa.retrieve(question, ResumeQa.DEFAULT_TOP_K, RetrievalMode.HYBRID).stream().map(RetrievedChunk::chunk).toList();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
