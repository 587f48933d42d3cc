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

    public static boolean supported(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".pdf");
    }

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

    /** Every supported file directly in {@code folder}, by name. */
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
