package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.document.SourceDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentLoaderTest {

    @Test
    void readsPdfText(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("cv.pdf");
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText("EDUCATION");
                content.newLineAtOffset(0, -16);
                content.showText("PhD Physics, University of Leeds, 2012-2016");
                content.endText();
            }
            document.save(pdf.toFile());
        }
        SourceDocument loaded = DocumentLoader.load(pdf);
        assertEquals("cv.pdf", loaded.id());
        assertTrue(loaded.text().contains("PhD Physics, University of Leeds, 2012-2016"), loaded.text());
    }

    @Test
    void aFolderGivesItsTextFilesInNameOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.md"), "# B\n\ntext b");
        Files.writeString(dir.resolve("a.txt"), "A\r\ntext a");
        Files.writeString(dir.resolve("ignored.docx"), "not read");
        Files.writeString(dir.resolve("c.markdown"), "C\rold Mac line end");
        Files.writeString(dir.resolve("D.TXT"), "D");
        Files.createDirectory(dir.resolve("sub"));
        Files.createDirectory(dir.resolve("folder.md"));
        List<SourceDocument> documents = DocumentLoader.loadFolder(dir);
        assertEquals(List.of("D.TXT", "a.txt", "b.md", "c.markdown"), documents.stream().map(SourceDocument::id).toList(),
                "every supported ending in any case; a folder named like a file is not read");
        assertEquals("A\ntext a", documents.get(1).text(), "line ends are normalised");
        assertEquals("C\nold Mac line end", documents.get(3).text());
        assertEquals("c", documents.get(3).title());
    }
}
