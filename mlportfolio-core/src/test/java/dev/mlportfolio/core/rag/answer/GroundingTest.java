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
    void aPluralOrPossessiveMatchesItsStemOfThreeLettersOrMore() {
        List<Source> sources = List.of(new Source("Skills", "Builds on a Mac and uses Linux.", 1));
        assertTrue(Grounding.check("She works on Macs.", "?", sources).grounded(), "Macs: the stem mac is known");
        Grounding os = Grounding.check("She runs Os.", "?", sources);
        assertFalse(os.grounded(), "a one-letter stem (o, as in on) proves nothing");
        assertEquals(List.of("Os"), os.unsupported());
    }

    @Test
    void theFirstWordOfAListItemIsASentenceStartAndNotChecked() {
        // A known limit, as for the first word of any sentence: an invented list item's first word passes.
        List<Source> sources = List.of(new Source("Skills", "Java and Kotlin.", 1));
        assertTrue(Grounding.check("Her languages:\n- Fortran\n2) Cobol", "?", sources).grounded());
        assertFalse(Grounding.check("Her languages: Java and Fortran", "?", sources).grounded(), "inside a sentence it is checked");
    }

    @Test
    void listNumbersAreNotFactsButYearsOpeningALineAre() {
        List<Source> sources = List.of(new Source("Skills", "Java and Kotlin since 2019.", 1));
        assertTrue(Grounding.check("Her languages:\n1. Java\n 2) Kotlin", "?", sources).grounded());
        Grounding year = Grounding.check("Her languages:\n2015. Java", "?", sources);
        assertEquals(List.of("2015"), year.unsupported());
        assertEquals(List.of("3"), Grounding.check("Java for 3.\n1 year of Kotlin", "?", sources).unsupported().subList(0, 1),
                "a number is a list marker only when a dot or parenthesis and a space follow it at a line's start");
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
