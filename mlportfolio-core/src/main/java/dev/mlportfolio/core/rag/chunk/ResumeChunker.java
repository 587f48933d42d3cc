package dev.mlportfolio.core.rag.chunk;

import dev.mlportfolio.core.rag.document.SourceDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a resume into units that follow its structure rather than a token count: each bullet,
 * each short paragraph and each entry line (a job, a degree) becomes one chunk, carrying the
 * section heading it stands under. Bullets under an entry are prefixed with the entry line, so a
 * chunk such as "Senior Engineer — Acme (2022 – present): Lead a team of four" still says where
 * and when on its own. Text is kept as written: dates, numbers and names are never rewritten.
 *
 * <p>An entry line with bullets under it is not a chunk of its own: every bullet already carries
 * it, and a separate copy would only push a real answer out of the top results. An entry line
 * with nothing under it is a chunk.
 *
 * <p>Headings are recognised in the forms resumes use: Markdown {@code #} headings (and Setext
 * underlines), lines that are only bold, short upper-case lines ({@code EXPERIENCE}) and short
 * lines ending in a colon ({@code Education:}). The first line of the document is taken as its
 * title (the person's name), and the lines before the first section form one chunk, "Name and
 * contact details".
 */
public final class ResumeChunker {
    /** Changes whenever the rules change, so indexes built by older rules are rebuilt. */
    public static final String VERSION = "1";
    /** The section of the lines before the first heading: the name and contact block. */
    public static final String PREAMBLE_SECTION = "Name and contact details";
    /** Where paragraphs between the contact block and the first heading go (an unlabelled summary). */
    public static final String PROFILE_SECTION = "Profile";
    static final int MAX_UNIT_CHARS = 600;

    private static final Pattern ATX = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SETEXT_1 = Pattern.compile("^=+\\s*$");
    private static final Pattern SETEXT_2 = Pattern.compile("^-{3,}\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s*([-*_=~]\\s*){3,}$");
    private static final Pattern BOLD_LINE = Pattern.compile("^(?:\\*\\*|__)([^*_]+?)(?:\\*\\*|__)\\s*:?\\s*$");
    private static final Pattern COLON_HEADING = Pattern.compile("^([\\p{L}][\\p{L}\\p{N} &/()'’.-]{1,40}):\\s*$");
    private static final Pattern BULLET = Pattern.compile("^\\s*(?:[-*•–+·▪◦‣]|\\d{1,2}[.)])\\s+(.*)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\p{N}])");

    private enum Kind { BLANK, HEADING, BULLET, TEXT, RULE }

    /**
     * @param text     headings are cleaned up for display (EXPERIENCE becomes Experience)
     * @param asWritten the line as written, formatting marks removed: what a title keeps
     * @param explicit whether a heading was marked up as one (Markdown), rather than recognised by its looks
     */
    private record Line(Kind kind, String text, int level, boolean explicit, String asWritten) {
        Line(Kind kind, String text, int level) {
            this(kind, text, level, false, text);
        }

        static Line heading(String written, int level, boolean explicit) {
            return new Line(Kind.HEADING, ResumeChunker.heading(written), level, explicit, clean(written));
        }
    }

    /** A chunker; it keeps no state. */
    public ResumeChunker() {
    }

    /**
     * Splits a document along its structure.
     *
     * @param document the document
     * @return its chunks, in document order
     */
    public List<Chunk> chunk(SourceDocument document) {
        List<Line> lines = classify(document.text());
        Builder out = new Builder(document.id());
        String section = PREAMBLE_SECTION;
        String entry = null;
        boolean entryFromHeading = false;
        boolean sawTitle = false;
        List<String> paragraph = new ArrayList<>();

        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            switch (line.kind()) {
                case BLANK, RULE -> {
                    out.paragraph(section, entry, paragraph);
                    if (!entryFromHeading && entry != null && !nextIsBullet(lines, i)) {
                        entry = null;
                        out.endEntry();
                    }
                }
                case HEADING -> {
                    out.paragraph(section, entry, paragraph);
                    out.endEntry();
                    if (!sawTitle && (line.level() == 1 || !line.explicit())) {
                        out.preamble(line.asWritten());  // "# Jane Doe", or "JANE DOE" on the first line
                    } else if (line.level() <= 2) {
                        section = line.text();
                        entry = null;
                        entryFromHeading = false;
                    } else {
                        entry = line.text();
                        entryFromHeading = true;
                        out.entry(section, entry);
                    }
                    sawTitle = true;
                }
                case BULLET -> {
                    out.paragraph(section, entry, paragraph);
                    StringBuilder bullet = new StringBuilder(line.text());
                    while (i + 1 < lines.size() && lines.get(i + 1).kind() == Kind.TEXT) {
                        bullet.append(' ').append(lines.get(++i).text());
                    }
                    out.add(section, prefixed(entry, bullet.toString()));
                }
                case TEXT -> {
                    if (!sawTitle) {
                        out.preamble(line.text());       // the first line of a plain-text resume: the name
                        sawTitle = true;
                    } else if (paragraph.isEmpty() && nextIsBullet(lines, i) && !section.equals(PREAMBLE_SECTION)) {
                        entry = line.text();            // a line right above bullets introduces them
                        entryFromHeading = false;
                        out.entry(section, entry);
                    } else {
                        paragraph.add(line.text());
                    }
                }
            }
        }
        out.paragraph(section, entry, paragraph);
        return out.chunks();
    }

    private static boolean nextIsBullet(List<Line> lines, int i) {
        for (int j = i + 1; j < lines.size(); j++) {
            Kind kind = lines.get(j).kind();
            if (kind == Kind.BULLET) {
                return true;
            }
            if (kind != Kind.BLANK) {
                return false;
            }
        }
        return false;
    }

    private static String prefixed(String entry, String text) {
        return entry == null ? text : entry + ": " + text;
    }

    private static List<Line> classify(String text) {
        String[] raw = text.replace("\r\n", "\n").split("\n", -1);
        List<Line> lines = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].replace('\t', ' ').stripTrailing();
            String stripped = line.strip();
            if (stripped.startsWith(">")) {                  // quoted text reads as text
                stripped = stripped.replaceFirst("^>+\\s?", "").strip();
            }
            if (stripped.isEmpty()) {
                lines.add(new Line(Kind.BLANK, "", 0));
                continue;
            }
            if (i + 1 < raw.length && !BULLET.matcher(line).matches()) {
                String next = raw[i + 1].strip();
                if (SETEXT_1.matcher(next).matches() || SETEXT_2.matcher(next).matches()) {
                    lines.add(Line.heading(stripped, SETEXT_1.matcher(next).matches() ? 1 : 2, true));
                    lines.add(new Line(Kind.RULE, "", 0));
                    i++;
                    continue;
                }
            }
            Matcher atx = ATX.matcher(stripped);
            if (atx.matches()) {
                lines.add(Line.heading(atx.group(2), atx.group(1).length(), true));
                continue;
            }
            if (RULE.matcher(stripped).matches()) {
                lines.add(new Line(Kind.RULE, "", 0));
                continue;
            }
            Matcher bullet = BULLET.matcher(line);
            if (bullet.matches()) {
                lines.add(new Line(Kind.BULLET, clean(bullet.group(1)), 0));
                continue;
            }
            Matcher bold = BOLD_LINE.matcher(stripped);
            if (bold.matches()) {
                lines.add(Line.heading(bold.group(1), 2, false));
                continue;
            }
            Matcher colon = COLON_HEADING.matcher(stripped);
            if (colon.matches() && words(colon.group(1)) <= 5) {
                lines.add(Line.heading(colon.group(1), 2, false));
                continue;
            }
            if (isUpperCaseHeading(stripped)) {
                lines.add(Line.heading(stripped, 2, false));
                continue;
            }
            lines.add(new Line(Kind.TEXT, clean(stripped), 0));
        }
        return lines;
    }

    private static boolean isUpperCaseHeading(String line) {
        long letters = line.codePoints().filter(Character::isLetter).count();
        boolean noLower = line.codePoints().noneMatch(Character::isLowerCase);
        return letters >= 3 && noLower && line.length() <= 60 && words(line) <= 6 && !line.endsWith(".")
                && !line.contains(",");
    }

    private static int words(String text) {
        return text.strip().split("\\s+").length;
    }

    private static String heading(String text) {
        String cleaned = clean(text).replaceAll(":\\s*$", "").strip();
        if (cleaned.codePoints().noneMatch(Character::isLowerCase) && cleaned.codePoints().anyMatch(Character::isLetter)) {
            cleaned = titleCase(cleaned);                  // EXPERIENCE -> Experience, for answers that read well
        }
        return cleaned;
    }

    private static String titleCase(String upper) {
        StringBuilder out = new StringBuilder(upper.length());
        boolean start = true;
        for (char c : upper.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : c);
            start = Character.isWhitespace(c) || c == '/' || c == '-' || c == '&';
        }
        return out.toString();
    }

    /** Removes Markdown emphasis, code marks and link syntax; keeps every word and number. */
    static String clean(String text) {
        return text
                .replaceAll("!\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("\\[([^\\]]+)]\\(([^)]+)\\)", "$1 ($2)")
                .replaceAll("(\\*\\*|__)(.+?)\\1", "$2")
                .replaceAll("(?<![\\w*])\\*(?!\\s)(.+?)(?<!\\s)\\*(?![\\w*])", "$1")
                .replace("`", "")
                .replaceAll("\\s+", " ")
                .strip();
    }

    /** Collects chunks, splitting long paragraphs at sentence ends. */
    private static final class Builder {
        private final String documentId;
        private final List<Chunk> chunks = new ArrayList<>();
        private final StringBuilder preamble = new StringBuilder();
        private boolean preambleClosed;
        private String pendingSection;
        private String pendingEntry;

        Builder(String documentId) {
            this.documentId = documentId;
        }

        void preamble(String title) {
            preamble.append(title);
        }

        /** An entry line: kept back until it is known whether anything stands under it. */
        void entry(String section, String text) {
            endEntry();
            pendingSection = section;
            pendingEntry = text;
        }

        /** The entry ends; if nothing stood under it, it is a chunk by itself. */
        void endEntry() {
            if (pendingEntry != null) {
                String text = pendingEntry;
                pendingEntry = null;
                add(pendingSection, text);
            }
        }

        void add(String section, String text) {
            if (pendingEntry != null && text.startsWith(pendingEntry + ": ")) {
                pendingEntry = null;                  // the entry has content; its line goes with it
            }
            flushPreamble();
            if (!text.isBlank()) {
                chunks.add(new Chunk(documentId + "#" + chunks.size(), documentId, section, text, chunks.size()));
            }
        }

        void paragraph(String section, String entry, List<String> lines) {
            if (lines.isEmpty()) {
                return;
            }
            String text = String.join(" ", lines);
            lines.clear();
            if (section.equals(PREAMBLE_SECTION)) {
                if (chunks.isEmpty() && !preambleClosed) {
                    preamble.append(preamble.isEmpty() ? "" : " · ").append(text);   // the lines under the name
                    preambleClosed = true;
                    return;
                }
                section = PROFILE_SECTION;
            }
            for (String piece : split(text)) {
                add(section, prefixed(entry, piece));
            }
        }

        private void flushPreamble() {
            if (!preamble.isEmpty() && chunks.isEmpty()) {
                String text = preamble.toString();
                preamble.setLength(0);
                chunks.add(new Chunk(documentId + "#0", documentId, PREAMBLE_SECTION, text, 0));
            }
        }

        List<Chunk> chunks() {
            endEntry();
            flushPreamble();
            return List.copyOf(chunks);
        }

        private static List<String> split(String text) {
            if (text.length() <= MAX_UNIT_CHARS) {
                return List.of(text);
            }
            List<String> pieces = new ArrayList<>();
            StringBuilder piece = new StringBuilder();
            for (String sentence : SENTENCE_END.split(text)) {
                if (!piece.isEmpty() && piece.length() + sentence.length() + 1 > MAX_UNIT_CHARS) {
                    pieces.add(piece.toString());
                    piece.setLength(0);
                }
                piece.append(piece.isEmpty() ? "" : " ").append(sentence);
            }
            if (!piece.isEmpty()) {
                pieces.add(piece.toString());
            }
            return pieces;
        }
    }
}
