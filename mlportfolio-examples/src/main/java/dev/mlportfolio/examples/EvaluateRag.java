package dev.mlportfolio.examples;

import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.generate.Engine;
import dev.mlportfolio.core.rag.generate.JlamaGenerator;
import dev.mlportfolio.core.rag.generate.PromptLayout;
import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scores resume question answering against a list of questions and the facts their answers must
 * contain ({@code data/eval/resume_qa.tsv} explains the format): retrieval recall@1 and @3 (the
 * top chunks hold every fact) and answer hit rate (the
 * answer holds every fact, or says "not found" for questions the resume cannot answer), for each
 * retrieval mode.
 *
 * <pre>java ... EvaluateRag RESUME QUESTIONS.tsv WORK_DIR [JLAMA_MODEL_DIR [excerpts|whole-documents]]</pre>
 */
public final class EvaluateRag {
    private record Case(String question, List<String> facts) {
        boolean answerable() {
            return !facts.isEmpty();
        }
    }

    private EvaluateRag() {
    }

    static final String USAGE = "EvaluateRag RESUME QUESTIONS.tsv WORK_DIR [JLAMA_MODEL_DIR [excerpts|whole-documents]]";

    public static void main(String[] args) {
        Cli.exit(run(args, System.err));
    }

    static int run(String[] args, java.io.PrintStream err) {
        return Cli.run("EvaluateRag", args, EvaluateRag::evaluateAll, err);
    }

    /** RAG_LLM_ENGINE, as the server reads it. */
    private static Engine engine() {
        String value = System.getenv().getOrDefault("RAG_LLM_ENGINE", "auto");
        return Engine.parse(value).orElseThrow(() -> new Cli.Problem("RAG_LLM_ENGINE must be auto, f32, int8 or jlama, not "
                + value));
    }

    private static void evaluateAll(String[] args) throws IOException {
        Cli.arguments(args, 3, 5, USAGE);
        Path resume = Cli.file(args[0]);
        List<Case> cases = read(Cli.file(args[1]));
        Path work = Path.of(args[2]);
        PromptLayout layout = args.length > 4
                ? PromptLayout.parse(args[4]).orElseThrow(() -> new Cli.Problem(
                        "LAYOUT must be excerpts or whole-documents, not " + args[4]))
                : PromptLayout.EXCERPTS;
        AnswerGenerator generator = args.length > 3
                ? JlamaGenerator.load(Cli.directory(args[3]), JlamaGenerator.Options.DEFAULT.withLayout(layout)
                        .withEngine(engine()))
                : null;
        try (ResumeQa qa = ResumeQa.builder().documents(List.of(DocumentLoader.load(resume)))
                .workingDir(work).generator(generator).build()) {
            System.out.printf(Locale.ROOT, "%s: %d chunks, %d questions (%d answerable)%n", args[0], qa.chunks().size(),
                    cases.size(), cases.stream().filter(Case::answerable).count());
            for (RetrievalMode mode : RetrievalMode.values()) {
                evaluate(qa, cases, mode, AnswerMode.EXTRACTIVE);
            }
            if (generator != null) {
                // EVAL_MODES=auto skips the generative pass (each pass asks the model every question).
                for (String mode : System.getenv().getOrDefault("EVAL_MODES", "generative,auto").split(",")) {
                    evaluate(qa, cases, RetrievalMode.HYBRID, AnswerMode.parse(mode.strip()).orElseThrow(
                            () -> new IllegalArgumentException("EVAL_MODES lists auto, generative or extractive")));
                }
            }
        }
    }

    private static void evaluate(ResumeQa qa, List<Case> cases, RetrievalMode mode, AnswerMode answerMode) {
        int answerable = 0;
        int generated = 0;
        int grounded = 0;
        int shown = 0;
        long started = System.nanoTime();
        int recall1 = 0;
        int recall3 = 0;
        int hits = 0;
        List<String> misses = new ArrayList<>();
        for (Case c : cases) {
            Answer answer = qa.answer(c.question(), new ResumeQa.Options(ResumeQa.DEFAULT_TOP_K, mode, answerMode), null);
            if (answer.generation().isPresent()) {
                generated++;
                grounded += answer.generation().get().grounding().grounded() ? 1 : 0;
                shown += answer.mode() == AnswerMode.GENERATIVE ? 1 : 0;
            }
            boolean hit = c.answerable() ? containsAll(answer.text(), c.facts()) : !answer.found();
            hits += hit ? 1 : 0;
            if (c.answerable()) {
                answerable++;
                List<RetrievedChunk> top = qa.retrieve(c.question(), 3, mode);
                recall1 += containsAll(text(top.subList(0, Math.min(1, top.size()))), c.facts()) ? 1 : 0;
                boolean inTop3 = containsAll(text(top), c.facts());
                recall3 += inTop3 ? 1 : 0;
                if (!inTop3) {
                    misses.add("  not in the top 3 chunks: " + c.question());
                }
            }
            if (!hit) {
                misses.add("  miss: " + c.question() + " -> [" + answer.mode().id() + "] " + answer.text().replace('\n', ' ')
                        + answer.generation().filter(g -> g.fallback() != null)
                                .map(g -> "  (model said: " + g.text().replace('\n', ' ') + ")").orElse(""));
            }
        }
        System.out.printf(Locale.ROOT, "%-8s %-10s recall@1 %.3f  recall@3 %.3f  answer hit rate %.3f (%d/%d)%s%n",
                mode.id(), answerMode.id(), recall1 / (double) answerable, recall3 / (double) answerable,
                hits / (double) cases.size(), hits, cases.size(),
                generated == 0 ? "" : String.format(Locale.ROOT, "  generated %d, grounded %d, model's answer shown %d,"
                        + " %.1f s per question", generated, grounded, shown, (System.nanoTime() - started) / 1e9 / cases.size()));
        misses.forEach(System.out::println);
    }

    private static String text(List<RetrievedChunk> chunks) {
        StringBuilder out = new StringBuilder();
        chunks.forEach(r -> out.append(r.chunk().indexedText()).append('\n'));
        return out.toString();
    }

    /** Every fact is in the text; a fact "a OR b" is satisfied by either. */
    private static boolean containsAll(String text, List<String> facts) {
        String lower = text.toLowerCase(Locale.ROOT);
        return facts.stream().allMatch(fact -> Arrays.stream(fact.split(" OR "))
                .anyMatch(alternative -> lower.contains(alternative.strip().toLowerCase(Locale.ROOT))));
    }

    private static List<Case> read(Path tsv) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("question\t")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            List<String> facts = parts.length < 2 || parts[1].strip().equals("-")
                    ? List.of() : Arrays.stream(parts[1].split("\\|")).map(String::strip).toList();
            cases.add(new Case(parts[0].strip(), facts));
        }
        return cases;
    }
}
