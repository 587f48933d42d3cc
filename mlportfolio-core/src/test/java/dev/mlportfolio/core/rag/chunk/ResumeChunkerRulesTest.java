package dev.mlportfolio.core.rag.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlportfolio.core.rag.document.SourceDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each chunking rule on a document small enough that the whole expected list of chunks can be
 * written out: (section, text) pairs, in order. ResumeChunkerTest covers whole resumes.
 */
class ResumeChunkerRulesTest {
    private final ResumeChunker chunker = new ResumeChunker();

    private List<String> chunks(String text) {
        return chunker.chunk(new SourceDocument("d.md", "d", text)).stream().map(c -> c.section() + " | " + c.text()).toList();
    }

    @Test
    void anEntryLineLastsOverBlankLinesUntilItsBulletsEnd() {
        assertEquals(List.of(
                        "Name and contact details | Name",
                        "Experience | Engineer, Acme (2020 – 2022): Built X.",
                        "Experience | Engineer, Acme (2020 – 2022): Led Y.",
                        "Experience | Intern, Initech (2019)",
                        "Experience | Volunteer, Red Cross (2018): Helped."),
                chunks("""
                        Name

                        ## Experience
                        Engineer, Acme (2020 – 2022)

                        - Built X.
                        - Led Y.

                        Intern, Initech (2019)

                        Volunteer, Red Cross (2018)
                        - Helped."""));
    }

    @Test
    void aSubheadingIsAnEntryAndStandsAloneWhenNothingIsUnderIt() {
        assertEquals(List.of(
                        "Name and contact details | Name",
                        "Projects | Search engine",
                        "Projects | Detector: Trained on COCO.",
                        "Projects | Summariser: 21.4 ROUGE.",
                        "Talks | Kubernetes for ML",
                        "Talks | Keynote"),
                chunks("""
                        # Name

                        ## Projects
                        ### Search engine
                        ### Detector

                        Trained on COCO.

                        ### Summariser
                        - 21.4 ROUGE.
                        ## Talks
                        Kubernetes for ML
                        ### Keynote"""));
    }

    @Test
    void quotesRulesAndContinuationLines() {
        assertEquals(List.of(
                        "Name and contact details | Name",
                        "Summary | A note.",
                        "Summary | Para one.",
                        "Summary | Para two.",
                        "Work | Built a thing that lasted."),
                chunks("Name\n\n## Summary\n\n> A note.\n\nPara one.\n* * *\nPara two.\n\n## Work\n- Built a thing\n  that lasted."),
                "the quote mark goes, the rule ends a paragraph, and the last line continues the bullet");
    }

    @Test
    void headingsByTheirLooksHaveLimits() {
        assertEquals(List.of(
                        "Name and contact details | Name",
                        "Languages And Tools I Use | Java",
                        "Languages And Tools I Use | Programming languages and tools I use:",
                        "Abc | AB",
                        "Abc | ONE TWO THREE FOUR FIVE SIX SEVEN",
                        "One Two Three Four Five Six | " + "A".repeat(61),
                        "Tools/Languages | Java",
                        "Cloud-Native R&D | Go",
                        "B" + "b".repeat(59) + " | Rust"),
                chunks("""
                        Name

                        LANGUAGES AND TOOLS I USE:
                        Java

                        Programming languages and tools I use:

                        ABC
                        AB

                        ONE TWO THREE FOUR FIVE SIX SEVEN

                        ONE TWO THREE FOUR FIVE SIX
                        %s

                        TOOLS/LANGUAGES
                        Java

                        CLOUD-NATIVE R&D
                        Go

                        %s
                        Rust
                        """.formatted("A".repeat(61), "B".repeat(60))), "at least 3 letters, at most 60 characters and 6 words");
    }

    @Test
    void aColonHeadingHasAtMostFiveWords() {
        assertEquals(List.of("Name and contact details | Name", "Tools I use every day | Java"),
                chunks("Name\n\n## S\n\nTools I use every day:\nJava\n"));
        assertEquals(List.of("Name and contact details | Name", "S | Tools I use at work every day: Java"),
                chunks("Name\n\n## S\n\nTools I use at work every day:\nJava\n"));
    }

    @Test
    void longParagraphsSplitWhereTheNextSentenceWouldPassTheLimit() {
        String a = sentence('A', 300);
        String b = sentence('B', 299);
        String c = sentence('C', 10);
        assertEquals(600, (a + " " + b).length());
        assertEquals(List.of("Name and contact details | Name", "S | " + a + " " + b),
                chunks("Name\n\n## S\n\n" + a + " " + b + "\n"), "exactly the limit is one chunk");
        assertEquals(List.of("Name and contact details | Name", "S | " + a + " " + b, "S | " + c),
                chunks("Name\n\n## S\n\n" + a + " " + b + " " + c + "\n"), "a sentence that would pass it starts the next");
    }

    private static String sentence(char letter, int length) {
        return letter + "x".repeat(length - 2) + ".";
    }
}
