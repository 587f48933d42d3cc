package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.testing.RealLlm;
import dev.mlportfolio.core.testing.SkipEachTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming, counting, cancellation and the concurrency bound on the real SmolLM2 model. */
@ExtendWith(SkipEachTest.class)
class RealModelGenerationTest {
    private static final List<Chunk> CONTEXT = List.of(
            new Chunk("r#1", "r", "Experience", "Senior Machine Learning Engineer — Northwind Vision GmbH, Munich "
                    + "(2022 – present): leads a team of four engineers.", 1),
            new Chunk("r#2", "r", "Education", "M.Sc. Informatics, Technical University of Munich, 2017 – 2019.", 2));
    private static JlamaGenerator generator;

    @BeforeAll
    static void load() {
        generator = JlamaGenerator.load(RealLlm.smolLm2(),
                JlamaGenerator.Options.DEFAULT.withMaxConcurrent(1).withQueueWait(Duration.ZERO));
    }

    @AfterAll
    static void close() {
        if (generator != null) {
            generator.close();
        }
    }

    @Test
    void streamsPiecesThatMakeTheAnswerAndCountsEveryToken() {
        List<String> pieces = new ArrayList<>();
        AnswerGenerator.Generated answer = generator.generate("Where does she work?", CONTEXT, pieces::add);
        assertTrue(pieces.size() > 2, "streamed token by token: " + pieces);
        assertEquals(answer.text(), String.join("", pieces).strip());
        assertTrue(answer.text().contains("Northwind"), answer.text());
        assertTrue(answer.firstTokenMs() > 0);
    }

    @Test
    void outputTokensAreTheGeneratedTokens() throws Exception {
        String prompt = generator.prompt("Where does she work?", CONTEXT);
        Completion five = generator.complete(prompt, 5, StopRules.NONE, null);
        assertEquals(5, five.outputIds().length, "the first sampled token counts too");
        assertEquals(FinishReason.MAX_TOKENS, five.finishReason());
        Completion all = generator.complete(prompt, 200, StopRules.NONE, null);
        assertEquals(FinishReason.END_TOKEN, all.finishReason(), all.text());
        for (int i = 0; i < 5; i++) {
            assertEquals(all.outputIds()[i], five.outputIds()[i], "greedy: a shorter budget is a prefix");
        }
    }

    @Test
    void aConsumerThatThrowsStopsTheGenerationAndFreesItsSlot() throws Exception {
        List<String> seen = new ArrayList<>();
        RuntimeException gone = new RuntimeException("client went away");
        String prompt = generator.prompt("Tell me everything about her education and work.", CONTEXT);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> generator.complete(prompt, 200, StopRules.NONE,
                piece -> {
                    seen.add(piece);
                    if (seen.size() == 2) {
                        throw gone;
                    }
                }));
        assertEquals(gone, thrown);
        assertEquals(2, seen.size(), "no token after the consumer failed");
        assertEquals(0, generator.activeGenerations(), "the slot is free again");
        Completion after = generator.complete(prompt, 3, StopRules.NONE, null);
        assertEquals(3, after.outputIds().length, "the next generation runs at once");
        assertTrue(after.reusedPromptTokens() > 0, "and reuses the cached prompt");
    }

    @Test
    void generationsBeyondTheBoundAreRefusedWhenTheWaitRunsOut() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<AnswerGenerator.Generated> first = CompletableFuture.supplyAsync(() ->
                generator.generate("Where does she work?", CONTEXT, piece -> {
                    started.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertTrue(started.await(60, TimeUnit.SECONDS));
        assertEquals(1, generator.activeGenerations());
        assertThrows(GeneratorBusyException.class, () -> generator.generate("Where did she study?", CONTEXT, null));
        release.countDown();
        assertTrue(first.get(120, TimeUnit.SECONDS).outputTokens() > 0);
        assertEquals(0, generator.activeGenerations());
    }
}
