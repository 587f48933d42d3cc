package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generator's options, the stop rules' bounds and the speed a completion reports. */
class GenerationOptionsTest {
    @Test
    void optionsNeedAtLeastOneTokenAndOneGeneration() {
        JlamaGenerator.Options d = JlamaGenerator.Options.DEFAULT;
        assertEquals(1, d.withMaxNewTokens(1).maxNewTokens());
        assertEquals(1, d.withMaxConcurrent(1).maxConcurrent());
        assertThrows(IllegalArgumentException.class, () -> d.withMaxNewTokens(0));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxConcurrent(0));
        assertThrows(NullPointerException.class, () -> d.withQueueWait(null));
        assertThrows(NullPointerException.class, () -> d.withStopRules(null));
        assertThrows(NullPointerException.class, () -> d.withEngine(null));
        assertThrows(IllegalArgumentException.class, () -> d.withThreads(0));
        assertEquals(Engine.AUTO, d.engine());
    }

    @Test
    void enginesParseFromTheirIds() {
        for (Engine engine : Engine.values()) {
            assertEquals(Optional.of(engine), Engine.parse(engine.id()));
        }
        assertEquals(Optional.empty(), Engine.parse("INT8"));
        assertEquals(Optional.empty(), Engine.parse("q4"));
    }

    @Test
    void eachWithChangesItsOwnFieldOnly() {
        JlamaGenerator.Options d = JlamaGenerator.Options.DEFAULT;
        JlamaGenerator.Options changed = d.withMaxNewTokens(7).withMaxConcurrent(3).withQueueWait(Duration.ofMillis(5))
                .withStopRules(StopRules.NONE).withWorkingFolder(Path.of("kv")).withLayout(PromptLayout.WHOLE_DOCUMENTS)
                .withEngine(Engine.INT8).withThreads(5);
        assertEquals(new JlamaGenerator.Options(7, 3, Duration.ofMillis(5), StopRules.NONE, Optional.of(Path.of("kv")),
                PromptLayout.WHOLE_DOCUMENTS, Engine.INT8, 5), changed);
        assertEquals(d.maxNewTokens(), d.withMaxConcurrent(3).maxNewTokens());
    }

    @Test
    void stopRulesTakeZeroOrMoreTokens() {
        assertEquals(0, new StopRules(0, false).repeatedNgram());
        assertThrows(IllegalArgumentException.class, () -> new StopRules(-1, false));
    }

    @Test
    void decodeSpeedCountsTheTokensAfterTheFirst() {
        assertEquals(20.0, completion(11, 500).decodeTokensPerSecond(), 1e-9);
        assertEquals(0.0, completion(1, 500).decodeTokensPerSecond(), "one token has no decode time");
        assertEquals(0.0, completion(0, 500).decodeTokensPerSecond());
        assertEquals(0.0, completion(11, 0).decodeTokensPerSecond(), "no time measured");
        assertEquals(2000.0, completion(2, 0.5).decodeTokensPerSecond(), 1e-9);
    }

    private static Completion completion(int outputs, double decodeMs) {
        return new Completion(new int[3], new int[outputs], "", FinishReason.END_TOKEN, 0, 1, 1, decodeMs);
    }
}
