package dev.mlportfolio.core.rag.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each reason auto mode has for showing the extractive answer instead of the model's, and the answer it accepts. */
class AnswerAcceptanceTest {
    private static final String LINES = "M.Sc. Computer Science, Technical University of Munich, 2017 – 2019. Grade 1.3.";
    private static final Grounding GROUNDED = new Grounding(true, List.of());

    private static String reason(String answer, String finish) {
        return AnswerAcceptance.fallbackReason(answer, finish, GROUNDED, LINES);
    }

    @Test
    void aFinishedAnswerSharingATermWithTheLinesIsShown() {
        assertNull(reason("She studied computer science at the Technical University of Munich.", "END_TOKEN"));
        assertNull(reason("At the Technical University of Munich.", "PARAGRAPH_END"), "a paragraph end finishes too");
    }

    @Test
    void emptyOrUnfinishedAnswersFallBack() {
        assertEquals("the model wrote nothing", reason("  \n", "END_TOKEN"));
        assertEquals("the model's answer did not finish (max_tokens)", reason("At the Technical University", "MAX_TOKENS"));
        assertEquals("the model's answer did not finish (repetition)", reason("Munich Munich Munich", "REPETITION"));
    }

    @Test
    void echoingThePromptFallsBack() {
        for (String echo : List.of("Resume excerpts: Munich", "Resume: Munich", "Question: where? Munich",
                "The answer to the question is Munich", "Answer this question: Munich")) {
            assertEquals("the model repeated the prompt instead of answering", reason(echo, "END_TOKEN"), echo);
        }
    }

    @Test
    void ungroundedFactsAreNamed() {
        assertEquals("the model's answer names facts the most relevant resume lines do not hold: Stanford, 2031",
                AnswerAcceptance.fallbackReason("At Stanford in 2031.", "END_TOKEN", new Grounding(false, List.of("Stanford", "2031")), LINES));
    }

    @Test
    void sayingTheResumeIsSilentAboutRelevantExcerptsFallsBack() {
        assertEquals("the model found no answer in excerpts that the retriever judged relevant",
                reason("The resume does not mention where in Munich she studied.", "END_TOKEN"));
        assertEquals("the model found no answer in excerpts that the retriever judged relevant",
                reason("The excerpts do not say anything about Munich.", "END_TOKEN"));
    }

    @Test
    void anAnswerSharingNoTermWithTheLinesFallsBack() {
        assertEquals("the model's answer shares no term with the most relevant resume lines", reason("She likes gardening.", "END_TOKEN"));
    }

    @Test
    void termsAreContentWordsOfFourLettersOrMoreAndNumbersComparedOnTheirFirstFiveLetters() {
        assertTrue(AnswerAcceptance.sharesTerm("Computers", LINES), "comput(er) and comput(ers) share five letters");
        assertTrue(AnswerAcceptance.sharesTerm("in 2019", LINES), "numbers are terms");
        assertTrue(AnswerAcceptance.sharesTerm("münich", "Munich"), "accents folded");
        assertFalse(AnswerAcceptance.sharesTerm("the cat sat", "the cat sat"), "words of three letters are not terms");
        assertFalse(AnswerAcceptance.sharesTerm("which resume answer", "which resume answer"), "stop words are not terms");
    }
}
