package dev.mlportfolio.core.rag.document;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/** Reads {@code .txt}, {@code .md} and {@code .pdf} files (PDF text through Apache PDFBox). */
public final class DocumentLoader {
    private DocumentLoader() {
    }

    /**
     * Whether {@link #load} reads this kind of file, by its extension.
     *
     * @param file a file name or path
     * @return true for {@code .txt}, {@code .md}, {@code .markdown} and {@code .pdf}
     */
    public static boolean supported(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".pdf");
    }

    /**
     * Reads one document: UTF-8 text as it is, a PDF's text as PDFBox extracts it; line ends become
     * {@code \n}.
     *
     * @param file the file; its name is the document's name, without the extension its title
     * @return the document
     * @throws IOException when the file cannot be read or is not a readable PDF
     */
    public static SourceDocument load(Path file) throws IOException {
        String name = file.getFileName().toString();
        String title = name.replaceFirst("\\.[^.]+$", "");
        String text;
        if (name.toLowerCase(Locale.ROOT).endsWith(".pdf")) {
            try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
                text = new PDFTextStripper().getText(pdf);
            }
        } else {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        return new SourceDocument(name, title, text.replace("\r\n", "\n").replace('\r', '\n'));
    }

    /**
     * Reads every supported file directly in a folder (not its subfolders).
     *
     * @param folder the folder
     * @return the documents, in file-name order
     * @throws IOException when the folder or one of its files cannot be read
     */
    public static List<SourceDocument> loadFolder(Path folder) throws IOException {
        List<SourceDocument> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Files::isRegularFile).filter(DocumentLoader::supported).sorted().toList()) {
                documents.add(load(file));
            }
        }
        return documents;
    }
}
