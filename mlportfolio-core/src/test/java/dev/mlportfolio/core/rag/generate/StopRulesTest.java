package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StopRulesTest {
    @Test
    void findsWhereARepeatedNgramBegins() {
        StopRules rules = new StopRules(3, false);
        int[] looping = {9, 1, 2, 3, 4, 1, 2, 3};
        assertEquals(5, rules.repetitionStart(looping, looping.length), "cut before the second 1 2 3");
        int[] fresh = {1, 2, 3, 4, 5, 6, 1, 2};
        assertEquals(-1, rules.repetitionStart(fresh, fresh.length));
        assertEquals(-1, rules.repetitionStart(looping, 5), "only the tokens so far count");
        assertEquals(-1, StopRules.NONE.repetitionStart(looping, looping.length), "off when 0");
    }

    @Test
    void overlappingRunsOfOneTokenAreRepetition() {
        int[] same = {7, 7, 7, 7, 7, 7};
        assertEquals(3, new StopRules(3, false).repetitionStart(same, same.length));
    }

    @Test
    void aRepetitionIsFoundAsSoonAsItIsCompleteEvenWhenItStartsAtTheFirstToken() {
        StopRules rules = new StopRules(3, false);
        int[] twice = {1, 2, 3, 1, 2, 3};
        assertEquals(3, rules.repetitionStart(twice, twice.length), "exactly two occurrences, the first at 0");
        assertEquals(-1, rules.repetitionStart(twice, 5), "one token short");
        assertEquals(-1, rules.repetitionStart(new int[] {7, 7, 7, 7, 7}, 5), "a repetition needs at least twice n tokens");
    }

    @Test
    void aBlankLineEndsOnlyAFinishedAnswer() {
        assertFalse(StopRules.ANSWER.endsParagraph("She studied in Munich.\n"), "one line break is not a blank line");
        assertTrue(StopRules.ANSWER.endsParagraph("She studied in Munich.\n\n"));
        assertFalse(StopRules.ANSWER.endsParagraph("Languages:\n\n"), "a heading is not an answer");
        assertFalse(StopRules.ANSWER.endsParagraph("\n\n"));
        assertFalse(StopRules.NONE.endsParagraph("She studied in Munich.\n\n"));
    }
}
