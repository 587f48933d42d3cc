package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.chunk.ResumeChunker;
import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.document.SourceDocument;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeChunkerTest {
    private final ResumeChunker chunker = new ResumeChunker();

    @Test
    void markdownResumeWithSubsectionsAndBullets() throws Exception {
        List<Chunk> chunks = chunker.chunk(DocumentLoader.load(Path.of("../data/resume.md")));
        Chunk name = chunks.get(0);
        assertEquals(ResumeChunker.PREAMBLE_SECTION, name.section());
        assertTrue(name.text().startsWith("Lena Marwick · Machine Learning Engineer"), name.text());
        assertTrue(name.text().contains("lena.marwick@example.org"));
        assertEquals(2, inSection(chunks, "Education").size());
        assertTrue(find(chunks, "21.4 AP on COCO").section().equals("Projects"), "numbers survive intact");
        Chunk bullet = find(chunks, "Lead a team of four engineers");
        assertEquals("Experience", bullet.section());
        assertTrue(bullet.text().startsWith("Senior Machine Learning Engineer — Northwind Vision GmbH, Munich (2022 – present): "),
                "a bullet carries its entry line: " + bullet.text());
        assertTrue(find(chunks, "M.Sc. Computer Science, Technical University of Munich, 2017 – 2019. Grade 1.3.").text()
                .startsWith("M.Sc."), "bold marks removed, dates kept");
        assertEquals(3, inSection(chunks, "Languages").size());
        assertTrue(chunks.stream().noneMatch(c -> c.text().contains("**") || c.text().contains("##")));
        assertEquals(List.of(ResumeChunker.PREAMBLE_SECTION, "Profile", "Summary"),
                chunks.stream().map(Chunk::section).distinct().limit(3).toList(), "the quoted note becomes its own chunk");
    }

    @Test
    void plainTextWithUpperCaseHeadings() {
        String text = """
                JOHN Q. SAMPLE
                Data Scientist | Berlin | john.sample@example.com

                Passionate about demand forecasting.

                EDUCATION
                MSc Statistics, Humboldt University of Berlin, 2016-2018

                WORK EXPERIENCE
                Data Scientist, Acme GmbH (2018-2023)
                - Built churn models with XGBoost, AUC 0.91.
                - Deployed models with Docker.

                SKILLS
                Python, R, SQL, AWS
                """;
        List<Chunk> chunks = chunker.chunk(new SourceDocument("john.txt", "john", text));
        assertEquals("JOHN Q. SAMPLE · Data Scientist | Berlin | john.sample@example.com", chunks.get(0).text());
        assertEquals("Profile", find(chunks, "demand forecasting").section());
        assertEquals("Education", find(chunks, "MSc Statistics").section());
        Chunk churn = find(chunks, "XGBoost");
        assertEquals("Work Experience", churn.section());
        assertEquals("Data Scientist, Acme GmbH (2018-2023): Built churn models with XGBoost, AUC 0.91.", churn.text());
        assertEquals("Skills", find(chunks, "Python, R, SQL, AWS").section());
    }

    @Test
    void headingColonStyleWithContinuationLines() {
        String text = """
                Alex Example
                alex@example.com

                Education:
                BSc Computer Science, ETH Zurich, 2015 - 2018

                Experience:
                Software Engineer at Initech (2018 - 2021)
                * Rewrote billing in Kotlin, cutting costs by 35%.
                  The rewrite shipped in 2020.
                * Mentored 3 juniors.

                Languages:
                French (native), English (C1)
                """;
        List<Chunk> chunks = chunker.chunk(new SourceDocument("alex.txt", "alex", text));
        assertEquals("Alex Example · alex@example.com", chunks.get(0).text());
        assertEquals("Education", find(chunks, "ETH Zurich").section());
        assertEquals("Software Engineer at Initech (2018 - 2021): Rewrote billing in Kotlin, cutting costs by 35%. "
                + "The rewrite shipped in 2020.", find(chunks, "Rewrote billing").text());
        assertEquals("Experience", find(chunks, "Mentored 3 juniors").section());
        assertEquals("Languages", find(chunks, "French (native)").section());
    }

    @Test
    void setextBoldAndNumberedStyles() {
        String text = """
                Priya Example
                =============

                **Experience**

                1. Lead engineer, Foo Ltd, 2019–2024: built a search engine.
                2) Engineer, Bar Inc, 2015–2019.

                Certifications
                --------------
                - CKAD (2022)
                """;
        List<Chunk> chunks = chunker.chunk(new SourceDocument("p.md", "p", text));
        assertEquals("Priya Example", chunks.get(0).text());
        assertEquals("Experience", find(chunks, "Foo Ltd").section());
        assertEquals("Experience", find(chunks, "Bar Inc").section());
        assertEquals("Certifications", find(chunks, "CKAD (2022)").section());
    }

    @Test
    void longParagraphsSplitAtSentenceEnds() {
        String sentence = "This sentence describes one more achievement in some detail for the test. ";
        String text = "Name\n\n## Summary\n\n" + sentence.repeat(20);
        List<Chunk> chunks = chunker.chunk(new SourceDocument("l.md", "l", text));
        List<Chunk> summary = inSection(chunks, "Summary");
        assertTrue(summary.size() > 1);
        assertTrue(summary.stream().allMatch(c -> c.text().length() <= 600 && c.text().endsWith(".")));
    }

    @Test
    void idsAndOrdinalsAreStable() {
        List<Chunk> chunks = chunker.chunk(new SourceDocument("d.md", "d", "Name\n\n## A\n\n- one\n- two\n"));
        assertEquals(List.of("d.md#0", "d.md#1", "d.md#2"), chunks.stream().map(Chunk::id).toList());
        assertEquals("A: one", chunks.get(1).indexedText());
    }

    static Chunk find(List<Chunk> chunks, String fragment) {
        return chunks.stream().filter(c -> c.text().contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no chunk contains '" + fragment + "' in " + chunks));
    }

    static List<Chunk> inSection(List<Chunk> chunks, String section) {
        return chunks.stream().filter(c -> c.section().equals(section)).toList();
    }
}
