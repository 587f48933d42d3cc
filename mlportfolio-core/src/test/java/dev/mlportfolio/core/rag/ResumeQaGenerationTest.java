package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.answer.Answer;
import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.answer.ExtractiveAnswerer;
import dev.mlportfolio.core.rag.answer.Source;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ResumeQa} does with what a generator writes: which excerpts it hands over, when auto
 * mode shows the model's answer and when it falls back, what each mode checks the facts against,
 * and which sources and counts the answer carries. The generator here returns text chosen by each
 * test, so every branch can be reached on purpose. The real SmolLM2 model goes through the same
 * code, generative and auto mode, in the server's {@code RealModelServerIT}
 * ({@code RealModelGenerationTest} covers the generator itself).
 */
class ResumeQaGenerationTest {
    private static final String DEGREE = "Where did you do your master's degree?";
    private static final MiniLmEmbedder embedder = SampleResume.embedder();
    private static final SourceDocument resume = SampleResume.document();
    // One working folder for the class: the index is built once and reopened by each test.
    @TempDir
    static Path dir;

    /** Writes the text it is given, in two streamed pieces, and records what it was asked. */
    private static final class ScriptedGenerator implements AnswerGenerator {
        String text;
        String finishReason = "END_TOKEN";
        int contextChunks = 2;
        boolean wholeDocuments;
        final List<List<Chunk>> asked = new ArrayList<>();
        List<Chunk> prepared;
        boolean closed;

        ScriptedGenerator(String text) {
            this.text = text;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Generated generate(String question, List<Chunk> context, Consumer<String> onToken) {
            asked.add(List.copyOf(context));
            if (onToken != null) {
                int half = text.length() / 2;
                onToken.accept(text.substring(0, half));
                onToken.accept(text.substring(half));
            }
            return new Generated(text, 321, 17, finishReason, Math.min(contextChunks, context.size()), 40, 12.5);
        }

        @Override
        public void prepare(List<Chunk> documents) {
            prepared = List.copyOf(documents);
        }

        @Override
        public boolean readsWholeDocuments() {
            return wholeDocuments;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ResumeQa qa(Path dir, ScriptedGenerator generator) {
        return ResumeQa.builder().documents(List.of(resume)).workingDir(dir).embedder(embedder).generator(generator).build();
    }

    private static ResumeQa.Options mode(AnswerMode mode) {
        return new ResumeQa.Options(5, RetrievalMode.HYBRID, mode);
    }

    @Test
    void aGroundedFinishedAnswerIsShownWithTheExcerptsTheModelRead() {
        ScriptedGenerator generator = new ScriptedGenerator("At the Technical University of Munich, from 2017 to 2019.");
        try (ResumeQa qa = qa(dir, generator)) {
            List<String> streamed = new ArrayList<>();
            Answer answer = qa.answer(DEGREE, ResumeQa.Options.DEFAULT, streamed::add);
            assertEquals(AnswerMode.GENERATIVE, answer.mode());
            assertTrue(answer.found());
            assertEquals(generator.text, answer.text());
            assertEquals(generator.text, String.join("", streamed), "the model's pieces reach the caller");
            assertEquals(321, answer.promptTokens());
            assertEquals(17, answer.outputTokens());
            Answer.Generation generation = answer.generation().orElseThrow();
            assertNull(generation.fallback());
            assertTrue(generation.grounding().grounded(), generation.grounding().toString());
            assertEquals(40, generation.reusedPromptTokens());
            assertEquals(12.5, generation.firstTokenMs());

            // The sources are the excerpts that were in the prompt: the first two of those handed over.
            List<Chunk> handed = generator.asked.get(0);
            assertEquals(2, answer.sources().size());
            for (int i = 0; i < 2; i++) {
                assertEquals(handed.get(i).text(), answer.sources().get(i).text());
                assertEquals(handed.get(i).section(), answer.sources().get(i).section());
            }
        }
    }

    @Test
    void theModelIsHandedTheRetrievedChunksAboveHalfTheRelevanceBar() {
        ScriptedGenerator generator = new ScriptedGenerator("At the Technical University of Munich.");
        try (ResumeQa qa = qa(dir, generator)) {
            String question = "Which programming languages and frameworks do you use?";
            List<RetrievedChunk> retrieved = qa.retrieve(question, 50, RetrievalMode.HYBRID);
            List<Chunk> expected = retrieved.stream()
                    .filter(r -> r.relevance() >= ExtractiveAnswerer.MIN_RELEVANCE / 2).map(RetrievedChunk::chunk).toList();
            assertTrue(expected.size() < retrieved.size() && !expected.isEmpty(),
                    "the question retrieves chunks on both sides of the bar: " + retrieved.stream().map(RetrievedChunk::relevance).toList());
            qa.answer(question, new ResumeQa.Options(50, RetrievalMode.HYBRID, AnswerMode.GENERATIVE), null);
            assertEquals(expected, generator.asked.get(0));
        }
    }

    @Test
    void autoModeFallsBackToTheExtractiveAnswerAndSaysWhy() {
        ScriptedGenerator generator = new ScriptedGenerator("At Stanford University, in 2031.");
        try (ResumeQa qa = qa(dir, generator)) {
            Answer extractive = qa.answer(DEGREE, mode(AnswerMode.EXTRACTIVE), null);
            assertTrue(generator.asked.isEmpty(), "extractive mode does not ask the model");

            Answer invented = qa.answer(DEGREE, ResumeQa.Options.DEFAULT, null);
            assertEquals(AnswerMode.EXTRACTIVE, invented.mode());
            assertEquals(extractive.text(), invented.text());
            assertEquals(extractive.sources(), invented.sources(), "the sources of the answer shown");
            Answer.Generation generation = invented.generation().orElseThrow();
            assertEquals(generator.text, generation.text(), "the model's answer is kept in the metadata");
            assertEquals(List.of("2031", "Stanford"), generation.grounding().unsupported());
            assertTrue(generation.fallback().contains("Stanford"), generation.fallback());
            assertEquals(321, invented.promptTokens(), "the model's work is counted");

            generator.text = "At the Technical University of Munich.";
            generator.finishReason = "MAX_TOKENS";
            Answer cut = qa.answer(DEGREE, ResumeQa.Options.DEFAULT, null);
            assertEquals(AnswerMode.EXTRACTIVE, cut.mode());
            assertTrue(cut.generation().orElseThrow().fallback().contains("did not finish"), cut.generation().get().fallback());
        }
    }

    @Test
    void generativeModeShowsTheModelsAnswerAndFlagsFactsNothingItReadHolds() {
        ScriptedGenerator generator = new ScriptedGenerator("At Stanford University, in 2031.");
        try (ResumeQa qa = qa(dir, generator)) {
            Answer answer = qa.answer(DEGREE, mode(AnswerMode.GENERATIVE), null);
            assertEquals(AnswerMode.GENERATIVE, answer.mode());
            assertEquals(generator.text, answer.text());
            assertNull(answer.generation().orElseThrow().fallback(), "generative mode never falls back");
            assertEquals(List.of("2031", "Stanford"), answer.generation().get().grounding().unsupported());
        }
    }

    @Test
    void aGeneratorThatReadsTheWholeResumeIsCheckedAgainstAllOfIt() {
        // Kotlin is in the skills section, which a question about the degree does not retrieve.
        ScriptedGenerator generator = new ScriptedGenerator("She studied in Munich and writes Kotlin.");
        generator.contextChunks = Integer.MAX_VALUE;   // every excerpt handed over fits the prompt
        try (ResumeQa qa = qa(dir, generator)) {
            assertEquals(qa.chunks(), generator.prepared, "prepare() sees every chunk, in document order");
            assertEquals(List.of("Kotlin"), qa.answer(DEGREE, mode(AnswerMode.GENERATIVE), null)
                    .generation().orElseThrow().grounding().unsupported(), "against the excerpts it read");
            generator.wholeDocuments = true;
            assertTrue(qa.answer(DEGREE, mode(AnswerMode.GENERATIVE), null).generation().orElseThrow().grounding().grounded(),
                    "against the whole resume");
        }
        assertTrue(generator.closed, "closing the pipeline closes its generator");
        assertEquals(384, embedder.embed("still open").length, "but not an embedder it was given");
    }

    @Test
    void withNothingRelevantTheModelIsNotAskedAndTheAnswerIsStreamedAsOnePiece() {
        ScriptedGenerator generator = new ScriptedGenerator("Canberra.");
        try (ResumeQa qa = qa(dir, generator)) {
            List<String> streamed = new ArrayList<>();
            Answer answer = qa.answer("What is the capital of Australia?", ResumeQa.Options.DEFAULT, streamed::add);
            assertFalse(answer.found());
            assertTrue(generator.asked.isEmpty());
            assertEquals(List.of(ExtractiveAnswerer.NOT_FOUND), streamed);
            assertTrue(answer.generation().isEmpty());
        }
    }

    @Test
    void sourcesCarryTheRelevanceToFourDecimalsAndTimingsAddUp() {
        try (ResumeQa qa = ResumeQa.builder().documents(List.of(resume)).workingDir(dir).embedder(embedder).build()) {
            long start = System.nanoTime();
            Answer answer = qa.answer(DEGREE);
            double wallMs = (System.nanoTime() - start) / 1e6;
            Source first = answer.sources().get(0);
            RetrievedChunk same = qa.retrieve(DEGREE, 5, RetrievalMode.HYBRID).stream()
                    .filter(r -> r.chunk().text().equals(first.text())).findFirst().orElseThrow();
            assertEquals(Math.round(same.relevance() * 10_000) / 10_000.0, first.score(), 1e-12);
            assertTrue(first.score() >= ExtractiveAnswerer.MIN_RELEVANCE);
            var t = answer.timings();
            assertTrue(t.embeddingMs() > 0 && t.retrievalMs() > 0 && t.answerMs() >= 0, t.toString());
            assertEquals(t.embeddingMs() + t.retrievalMs() + t.answerMs(), t.totalMs(), 1e-6);
            assertTrue(t.totalMs() <= wallMs, t + " within " + wallMs + " ms");
        }
    }
}
