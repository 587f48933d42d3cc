package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.testing.TinyLlama;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's loop on the tiny Llama (one token per character) with a 64-token window: the begin
 * token, the window's edge, stopping when it is full, cutting a repetition without having
 * streamed it, cancellation by interrupt, and the timings it reports. Greedy decoding on fixed
 * weights (seed 5) gives the same tokens every run; the real model's tokens are checked against
 * llama.cpp in GoldenTokensTest.
 */
class CompletionTest {
    private static final int WINDOW = 64;
    private static final String PROMPT = "Where did she study? Answer:";
    @TempDir
    static Path dir;
    private static JlamaGenerator generator;

    @BeforeAll
    static void load() throws IOException {
        generator = JlamaGenerator.load(TinyLlama.write(dir.resolve("tiny-5"), false, 5, WINDOW),
                JlamaGenerator.Options.DEFAULT.withMaxNewTokens(16));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void theBeginTokenIsAddedOnceAndTheGeneratorSaysWhatItIs() {
        assertArrayEquals(new int[] {1, 69, 70}, generator.encode("ab"), "<s>, then one token per character");
        assertArrayEquals(generator.encode("ab"), generator.encode("<s>ab"), "a prompt that starts with <s> keeps one");
        assertArrayEquals(new int[] {1}, generator.encode(""));
        assertEquals("tiny-5", generator.name());
        assertEquals(16, generator.options().maxNewTokens());
    }

    @Test
    void aPromptMustLeaveAtLeastOnePositionOfTheWindow() throws InterruptedException {
        Completion edge = generator.complete("x".repeat(WINDOW - 2), 100, StopRules.NONE, null);
        assertEquals(WINDOW - 1, edge.promptIds().length);
        assertEquals(FinishReason.CONTEXT_FULL, edge.finishReason());
        assertEquals(2, edge.outputIds().length, "one from the prompt's last position, one from the window's last");
        PromptTooLongException full = assertThrows(PromptTooLongException.class,
                () -> generator.complete("x".repeat(WINDOW - 1), 100, StopRules.NONE, null));
        assertEquals(WINDOW, full.promptTokens());
    }

    @Test
    void generationStopsWhenTheWindowIsFull() throws InterruptedException {
        Completion full = generator.complete("x".repeat(WINDOW - 5), 100, StopRules.NONE, null);
        assertEquals(FinishReason.CONTEXT_FULL, full.finishReason());
        assertEquals(5, full.outputIds().length);
        Completion budget = generator.complete("x".repeat(WINDOW - 5), 3, StopRules.NONE, null);
        assertEquals(FinishReason.MAX_TOKENS, budget.finishReason());
        assertArrayEquals(Arrays.copyOf(full.outputIds(), 3), budget.outputIds(), "the same greedy tokens, fewer of them");
    }

    @Test
    void aRepetitionIsCutAndWasNeverStreamed() throws InterruptedException {
        Completion free = generator.complete(PROMPT, 12, StopRules.NONE, null);
        List<String> streamed = new ArrayList<>();
        Completion cut = generator.complete(PROMPT, 30, new StopRules(3, false), streamed::add);
        assertEquals(FinishReason.REPETITION, cut.finishReason());
        assertEquals(9, cut.outputIds().length, "the second 21 126 116 is cut off");
        assertArrayEquals(Arrays.copyOf(free.outputIds(), 9), cut.outputIds());
        assertEquals(List.of(21, 126, 116), List.of(free.outputIds()[9], free.outputIds()[10], free.outputIds()[11]));
        assertEquals(cut.text(), String.join("", streamed), "what was streamed is exactly the answer kept");
    }

    @Test
    void streamedTextTrailsByTheTokensARepetitionCutCouldStillTakeBack() throws InterruptedException {
        List<String> perToken = new ArrayList<>();
        generator.complete(PROMPT, 9, StopRules.NONE, perToken::add);
        assertEquals(9, perToken.size(), "without a repetition rule each token is streamed as it comes");
        // With 3-token repetitions watched, the newest two tokens are held; each later token releases one.
        List<String> pieces = new ArrayList<>();
        Completion done = generator.complete(PROMPT, 9, new StopRules(3, false), pieces::add);
        assertEquals(FinishReason.MAX_TOKENS, done.finishReason());
        List<String> expected = new ArrayList<>(perToken.subList(0, 7));
        expected.add(perToken.get(7) + perToken.get(8));
        assertEquals(expected, pieces);
    }

    @Test
    void anInterruptedGenerationStopsWithInterruptedException() {
        assertThrows(InterruptedException.class,
                () -> generator.complete(PROMPT, 30, StopRules.NONE, piece -> Thread.currentThread().interrupt()));
        assertTrue(!Thread.interrupted(), "the interrupt was consumed by the generation");
    }

    @Test
    void anInterruptedAnswerKeepsTheInterruptForItsCaller() throws IOException {
        List<Chunk> context = List.of(new Chunk("r#1", "r", "Education", "M.Sc., Munich.", 1));
        try (JlamaGenerator wide = JlamaGenerator.load(TinyLlama.write(dir.resolve("tiny-wide"), false, 5),
                JlamaGenerator.Options.DEFAULT.withMaxNewTokens(16).withStopRules(StopRules.NONE))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> wide.generate("Where?", context, piece -> Thread.currentThread().interrupt()));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.interrupted(), "generate() keeps the thread's interrupt status for its caller");
        }
    }

    @Test
    void timingsLieWithinTheCall() throws InterruptedException {
        long start = System.nanoTime();
        Completion done = generator.complete(PROMPT, 12, StopRules.NONE, null);
        double wall = (System.nanoTime() - start) / 1e6;
        assertEquals(12, done.outputIds().length);
        assertTrue(done.prefillMs() > 0 && done.prefillMs() <= wall, done.prefillMs() + " of " + wall);
        assertTrue(done.firstTokenMs() >= done.prefillMs() && done.firstTokenMs() <= wall, done.firstTokenMs() + " of " + wall);
        assertTrue(done.decodeMs() > 0 && done.firstTokenMs() + done.decodeMs() <= wall + 1e-6,
                done.firstTokenMs() + " + " + done.decodeMs() + " of " + wall);
        assertEquals(11 / (done.decodeMs() / 1000), done.decodeTokensPerSecond(), 1e-6);
    }
}
