package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.generate.PromptLayout;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ids the HTTP API and the settings use for the answer and retrieval modes and the prompt layouts. */
class ModesTest {
    @Test
    void answerModesParseTheirOwnIdsOnly() {
        assertEquals("auto", AnswerMode.AUTO.id());
        for (AnswerMode mode : AnswerMode.values()) {
            assertEquals(Optional.of(mode), AnswerMode.parse(mode.id()));
        }
        assertEquals(Optional.empty(), AnswerMode.parse("AUTO"));
        assertEquals(Optional.empty(), AnswerMode.parse(null));
    }

    @Test
    void retrievalModesParseLeniently() {
        assertEquals("bm25", RetrievalMode.BM25.id());
        for (RetrievalMode mode : RetrievalMode.values()) {
            assertEquals(Optional.of(mode), RetrievalMode.parse(mode.id()));
        }
        assertEquals(Optional.of(RetrievalMode.VECTOR), RetrievalMode.parse(" Vector "));
        assertEquals(Optional.empty(), RetrievalMode.parse(null));
        assertEquals(Optional.empty(), RetrievalMode.parse("dense"));
    }

    @Test
    void layoutsHaveIdsThatParseBack() {
        assertEquals("whole-documents", PromptLayout.WHOLE_DOCUMENTS.id());
        for (PromptLayout layout : PromptLayout.values()) {
            assertEquals(Optional.of(layout), PromptLayout.parse(layout.id()));
        }
        assertEquals(Optional.empty(), PromptLayout.parse("whole_documents"));
    }
}
