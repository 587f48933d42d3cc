import dev.mlportfolio.core.rag.ResumeQa;
import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * In-process RAG costs: query embedding, index build (the sample resume; 1,000 generated resumes)
 * and reuse, and extractive answer latency on both. Run by scripts/bench_rag.sh.
 */
public class RagBench {
    public static void main(String[] args) throws Exception {
        List<String> questions = Files.readAllLines(Path.of("data/eval/resume_qa.tsv")).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("question\t") && !l.isBlank())
                .map(l -> l.split("\t")[0]).toList();
        Path work = Files.createTempDirectory("rag-bench");
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load()) {
            double[] embed = new double[questions.size() * 10];
            for (int round = -5; round < 10; round++) {
                for (int i = 0; i < questions.size(); i++) {
                    long t = System.nanoTime();
                    embedder.embed(questions.get(i));
                    if (round >= 0) {
                        embed[round * questions.size() + i] = (System.nanoTime() - t) / 1e6;
                    }
                }
            }
            report("query embedding (" + questions.size() + " questions x 10)", embed);

            SourceDocument resume = DocumentLoader.load(Path.of("data/resume.md"));
            measureIndex("sample resume", List.of(resume), work.resolve("one"), embedder, questions);
            measureIndex("1,000 generated resumes", generated(1000), work.resolve("many"), embedder, questions);
        }
    }

    static void measureIndex(String label, List<SourceDocument> documents, Path dir, MiniLmEmbedder embedder,
                             List<String> questions) {
        long t0 = System.nanoTime();
        int chunks;
        try (ResumeQa qa = ResumeQa.builder().documents(documents).workingDir(dir).embedder(embedder).build()) {
            chunks = qa.chunks().size();
        }
        double buildMs = (System.nanoTime() - t0) / 1e6;
        long t1 = System.nanoTime();
        try (ResumeQa qa = ResumeQa.builder().documents(documents).workingDir(dir).embedder(embedder).build()) {
            double reuseMs = (System.nanoTime() - t1) / 1e6;
            System.out.printf(Locale.ROOT, "%s: %d documents, %d chunks; index build %.0f ms, reopen (reused) %.0f ms%n",
                    label, documents.size(), chunks, buildMs, reuseMs);
            double[] answer = new double[questions.size() * 10];
            for (int round = -5; round < 10; round++) {
                for (int i = 0; i < questions.size(); i++) {
                    long t = System.nanoTime();
                    Answer a = qa.answer(questions.get(i));
                    if (round >= 0) {
                        answer[round * questions.size() + i] = (System.nanoTime() - t) / 1e6;
                    }
                    if (a.text().isEmpty()) {
                        throw new IllegalStateException("empty answer");
                    }
                }
            }
            report("  extractive answer, in process, one thread", answer);
        }
    }

    static List<SourceDocument> generated(int count) {
        Random random = new Random(5);
        String[] first = {"Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jo"};
        String[] last = {"Sato", "Berg", "Okoro", "Lind", "Moreau", "Novak", "Rossi", "Silva", "Tanaka", "Weber"};
        String[] companies = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne"};
        String[] skills = {"Python", "Java", "Go", "Rust", "SQL", "Kubernetes", "Terraform", "PyTorch", "Spark", "Kafka", "React", "AWS"};
        String[] verbs = {"Built", "Led", "Designed", "Migrated", "Optimised", "Launched", "Automated", "Scaled"};
        String[] things = {"a payments API", "the data platform", "a search service", "CI pipelines", "an ML feature store",
            "the mobile backend", "a recommendation engine", "observability tooling"};
        List<SourceDocument> documents = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder("# " + first[random.nextInt(10)] + " " + last[random.nextInt(10)] + "\n\n");
            text.append("Engineer · person").append(d).append("@example.org\n\n## Experience\n\n");
            for (int job = 0; job < 3; job++) {
                int from = 2005 + random.nextInt(15);
                text.append("### Engineer — ").append(companies[random.nextInt(10)]).append(" (").append(from).append(" – ")
                        .append(from + 1 + random.nextInt(4)).append(")\n\n");
                for (int b = 0; b < 3; b++) {
                    text.append("- ").append(verbs[random.nextInt(verbs.length)]).append(' ')
                            .append(things[random.nextInt(things.length)]).append(" serving ")
                            .append(1 + random.nextInt(900)).append(" thousand users.\n");
                }
                text.append('\n');
            }
            text.append("## Skills\n\n- ");
            for (int s = 0; s < 5; s++) {
                text.append(s == 0 ? "" : ", ").append(skills[random.nextInt(skills.length)]);
            }
            text.append("\n");
            documents.add(new SourceDocument("generated-" + d + ".md", "generated-" + d, text.toString()));
        }
        return documents;
    }

    static void report(String label, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", label, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)], sorted[(int) (sorted.length * 0.99)]);
    }
}
