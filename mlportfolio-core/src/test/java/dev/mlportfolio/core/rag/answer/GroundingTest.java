package dev.mlportfolio.core.rag.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroundingTest {
    private static final List<Source> SOURCES = List.of(
            new Source("Experience", "Senior Machine Learning Engineer — Northwind Vision GmbH, München (2022 – present): "
                    + "cut p95 latency from 480 ms to 95 ms; leads a team of four engineers.", 0.9),
            new Source("Certifications", "AWS Certified Machine Learning – Specialty, 2023.", 0.5));

    @Test
    void factsFromTheSourcesAreGrounded() {
        Grounding g = Grounding.check("She works at Northwind Vision in Munchen since 2022 and cut latency to 95 ms.",
                "Where does she work?", SOURCES);
        assertTrue(g.grounded(), g.unsupported().toString());
    }

    @Test
    void inventedNumbersAndNamesAreNot() {
        Grounding g = Grounding.check("She leads a team of 25 engineers at Google since 2015.", "How big is the team?", SOURCES);
        assertFalse(g.grounded());
        assertEquals(List.of("25", "2015", "Google"), g.unsupported());
    }

    @Test
    void sentenceStartsAndCommonWordsAreNotFacts() {
        assertTrue(Grounding.check("The resume does not say. She is an engineer.", "Hobbies?", SOURCES).grounded());
        assertTrue(Grounding.check("Yes. Northwind's team has four engineers.", "Team?", SOURCES).grounded(),
                "a possessive of a known name is known");
    }

    @Test
    void numbersMayBeWrittenWithOrWithoutSeparators() {
        List<Source> sources = List.of(new Source("Projects", "Indexed 2,000,000 contracts; 21.4 AP on COCO.", 1));
        assertTrue(Grounding.check("It indexed 2000000 contracts and reached 21.4 AP on COCO.", "?", sources).grounded());
        assertFalse(Grounding.check("It reached 21.5 AP.", "?", sources).grounded());
        assertFalse(Grounding.check("It reached 1.4 AP.", "?", sources).grounded(), "a number is matched whole, not inside another");
    }

    @Test
    void theQuestionCountsAsASource() {
        assertTrue(Grounding.check("She did not work at Zalando.", "Did she work at Zalando?", SOURCES).grounded());
    }

    @Test
    void autoModeShowsOnlyFinishedGroundedAnswersThatAnswer() {
        String extract = SOURCES.get(0).text();
        Grounding ok = Grounding.check("She leads a team of four engineers.", "Team?", SOURCES);
        assertNull(AnswerAcceptance.fallbackReason("She leads a team of four engineers.", "END_TOKEN", ok, extract));
        assertTrue(AnswerAcceptance.fallbackReason("She leads a team of four", "MAX_TOKENS", ok, extract).contains("did not finish"));
        assertTrue(AnswerAcceptance.fallbackReason("Resume excerpts: - 2022:", "END_TOKEN",
                Grounding.check("Resume excerpts: - 2022:", "?", SOURCES), extract).contains("repeated the prompt"));
        Grounding invented = Grounding.check("A team of 25.", "?", SOURCES);
        assertTrue(AnswerAcceptance.fallbackReason("A team of 25.", "END_TOKEN", invented, extract).contains("25"));
        assertTrue(AnswerAcceptance.fallbackReason("The resume does not say.", "END_TOKEN", ok, extract)
                .contains("no answer"));
        assertTrue(AnswerAcceptance.fallbackReason("She likes it a lot.", "END_TOKEN", ok, extract).contains("shares no term"));
        assertTrue(AnswerAcceptance.fallbackReason(" ", "END_TOKEN", ok, extract).contains("nothing"));
    }
}
