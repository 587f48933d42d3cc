package dev.mlportfolio.core.rag.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.index.RetrievedChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which retrieved chunks make the extractive answer and how their lines are joined, on hand-made
 * relevances, so each threshold is checked exactly at its edge (the RAG tests on the sample
 * resume only see whatever relevances MiniLM gives).
 */
class ExtractiveAnswererTest {
    private final ExtractiveAnswerer answerer = new ExtractiveAnswerer();

    private static RetrievedChunk retrieved(String text, double similarity) {
        return retrieved(text, similarity, 0);
    }

    private static RetrievedChunk retrieved(String text, double similarity, double coverage) {
        return new RetrievedChunk(new Chunk("r#" + text.length(), "r", "Experience", text, 0), 1.0, similarity, coverage);
    }

    @Test
    void nothingRelevantEnoughIsNotFound() {
        ExtractiveAnswerer.Extract none = answerer.answer(List.of());
        assertEquals(ExtractiveAnswerer.NOT_FOUND, none.text());
        assertFalse(none.found());
        assertTrue(none.used().isEmpty());

        ExtractiveAnswerer.Extract weak = answerer.answer(List.of(retrieved("Plays chess.", 0.1999)));
        assertFalse(weak.found(), "just below the minimum relevance");
        assertEquals(ExtractiveAnswerer.NOT_FOUND, weak.text());
    }

    @Test
    void aChunkExactlyAtTheMinimumRelevanceIsAnAnswer() {
        ExtractiveAnswerer.Extract found = answerer.answer(List.of(retrieved("Plays chess.", ExtractiveAnswerer.MIN_RELEVANCE)));
        assertTrue(found.found());
        assertEquals("Plays chess.", found.text());
    }

    @Test
    void wordCoverageAloneCanMakeAChunkRelevant() {
        // similarity 0.1, all question words present: relevance 0.6 x 1.0
        RetrievedChunk lead = retrieved("Lead a team of four engineers", 0.1, 1.0);
        assertEquals(0.6, lead.relevance(), 1e-12);
        ExtractiveAnswerer.Extract found = answerer.answer(List.of(lead));
        assertTrue(found.found());
        assertEquals("Lead a team of four engineers.", found.text(), "a sentence end is added");
        assertEquals(0.1, retrieved("x", 0.1, 0.1).relevance(), 1e-12, "the better of the two counts");
    }

    @Test
    void chunksWithinTheMarginOfTheBestAreKeptInTheirOrder() {
        // 0.65 - 0.15 is 0.5 in doubles: the chunk at 0.5 is exactly at the margin and stays.
        ExtractiveAnswerer.Extract found = answerer.answer(List.of(
                retrieved("Speaks German", 0.5),
                retrieved("Speaks English", 0.65),
                retrieved("Speaks Latin", 0.49),
                retrieved("Speaks French", 0.6)));
        assertEquals(List.of("Speaks German", "Speaks English", "Speaks French"),
                found.used().stream().map(r -> r.chunk().text()).toList());
        assertEquals("Speaks German.\nSpeaks English.\nSpeaks French.", found.text());
    }

    @Test
    void theMinimumStillHoldsWhenTheBestIsCloseToIt() {
        ExtractiveAnswerer.Extract found = answerer.answer(List.of(retrieved("Speaks German", 0.3), retrieved("Speaks Latin", 0.19)));
        assertEquals(1, found.used().size(), "0.19 is within the margin of 0.3 but below the minimum");
    }

    @Test
    void atMostThreeChunksAreUsed() {
        ExtractiveAnswerer.Extract found = answerer.answer(List.of(retrieved("One", 0.9), retrieved("Two", 0.9),
                retrieved("Three", 0.9), retrieved("Four", 0.9), retrieved("Five", 0.9)));
        assertEquals(ExtractiveAnswerer.MAX_CHUNKS, found.used().size());
        assertEquals("One.\nTwo.\nThree.", found.text());
    }

    @Test
    void bulletsOfOneEntryShareOneCopyOfTheEntryLine() {
        String entry = "Senior Engineer — Acme (2020 – 2022)";
        assertEquals(entry + ": Built the search service; mentored two juniors; AWS migration.",
                ExtractiveAnswerer.compose(List.of(entry + ": Built the search service.  ", entry + ": Mentored two juniors",
                        entry + ": AWS migration")));
        assertEquals(entry + ": Built it.\nJunior Engineer — Initech (2018 – 2020): Tested it.",
                ExtractiveAnswerer.compose(List.of(entry + ": Built it", "Junior Engineer — Initech (2018 – 2020): Tested it")),
                "another entry starts a new line");
    }

    @Test
    void aShortOrSentenceLikePrefixIsNotAnEntryLine() {
        assertEquals("Skills: Java.\nSkills: Go.", ExtractiveAnswerer.compose(List.of("Skills: Java", "Skills: Go")),
                "'Skills' (colon at 6) is a label, not an entry");
        assertEquals("Engineer ACM: built; tested.", ExtractiveAnswerer.compose(List.of("Engineer ACM: built", "Engineer ACM: Tested")),
                "a prefix of exactly 12 characters is an entry");
        assertEquals("Engineer AC: built.\nEngineer AC: Tested.",
                ExtractiveAnswerer.compose(List.of("Engineer AC: built", "Engineer AC: Tested")), "11 characters is not");
        assertEquals("Studied. Then worked: here.\nStudied. Then worked: there.",
                ExtractiveAnswerer.compose(List.of("Studied. Then worked: here", "Studied. Then worked: there")),
                "text with a sentence end before the colon is not an entry line");
    }

    @Test
    void sentenceEndsAreWrittenOnceAndKept() {
        assertEquals("Why not?\nGreat!\nGraduated (M.Sc.)\nWorked in Berlin (remote).",
                ExtractiveAnswerer.compose(List.of("Why not?", "Great!", "Graduated (M.Sc.)", "Worked in Berlin (remote)")));
        assertEquals("A.", ExtractiveAnswerer.compose(List.of("A")));
        assertEquals(").", ExtractiveAnswerer.compose(List.of(")")), "a lone parenthesis is not a sentence end");
    }

    @Test
    void onlyAWordWithALowerCaseSecondLetterLosesItsCapital() {
        String entry = "Senior Engineer — Acme";
        assertEquals(entry + ": Built it; A; SQL tuning; wrote docs.", ExtractiveAnswerer.compose(List.of(entry + ": Built it",
                entry + ": A", entry + ": SQL tuning", entry + ": Wrote docs")));
    }
}
