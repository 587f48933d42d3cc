package dev.mlportfolio.core.rag.answer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a generated answer's checkable facts come from its sources: every number (years,
 * counts, percentages) and every capitalised word that does not start a sentence (names of
 * people, employers, schools, places, months, products) must occur in the retrieved excerpts or
 * in the question. A small model that invents "Google, 2015" for a resume that says "Zalando,
 * 2019" fails this check; paraphrase in lower-case words passes. It cannot prove an answer
 * right, only catch the facts a reader would take at face value.
 *
 * @param grounded    true when every checkable fact is in the sources
 * @param unsupported the facts not found in the sources, in the order they appear
 */
public record Grounding(boolean grounded, List<String> unsupported) {
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M}\\d'’+#.-]*");
    // "1." or "2)" opening a line numbers a list; it is no fact. Years (four digits) are never taken for one.
    private static final Pattern LIST_MARKER = Pattern.compile("(?m)^\\s*\\d{1,2}[.)](?=\\s)");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?:;\\n]\\s*$");
    // Capitalised words that carry no fact of the resume.
    private static final Set<String> COMMON = Set.of("i", "resume", "the", "she", "he", "they", "her", "his", "their",
            "yes", "no", "not", "based", "according", "excerpt", "excerpts", "question", "answer", "sorry");

    /** Copies the list. */
    public Grounding {
        unsupported = List.copyOf(unsupported);
    }

    /**
     * Checks an answer's numbers and names against the question and the sources.
     *
     * @param answer   the generated answer
     * @param question the question (what it names counts as known)
     * @param sources  the excerpts the answer should rest on
     * @return the verdict and the facts not found
     */
    public static Grounding check(String answer, String question, List<Source> sources) {
        StringBuilder known = new StringBuilder(fold(question)).append('\n');
        sources.forEach(s -> known.append(fold(s.section())).append('\n').append(fold(s.text())).append('\n'));
        String haystack = known.toString();
        String digits = haystack.replaceAll("(?<=\\d)[.,](?=\\d)", "");
        Set<String> missing = new LinkedHashSet<>();

        Matcher numbers = NUMBER.matcher(LIST_MARKER.matcher(answer).replaceAll(" "));
        while (numbers.find()) {
            String number = numbers.group();
            if (!containsNumber(haystack, number) && !containsNumber(digits, number.replaceAll("[.,]", ""))) {
                missing.add(number);
            }
        }
        Matcher words = WORD.matcher(answer);
        while (words.find()) {
            String word = trimPunctuation(words.group());
            if (word.isEmpty() || !Character.isUpperCase(word.codePointAt(0)) || startsSentence(answer, words.start())) {
                continue;
            }
            String folded = fold(word);
            if (COMMON.contains(folded) || containsWord(haystack, folded)) {
                continue;
            }
            missing.add(word);
        }
        return new Grounding(missing.isEmpty(), new ArrayList<>(missing));
    }

    private static boolean startsSentence(String text, int at) {
        String before = text.substring(0, at);
        return before.isBlank() || SENTENCE_END.matcher(before).find() || before.endsWith("\"") || before.endsWith("(")
                || before.matches("(?s).*(?:^|\\n)\\s*(?:[-*•]|\\d+[.)])\\s*$");
    }

    private static String trimPunctuation(String word) {
        int end = word.length();
        while (end > 0 && ".-'’".indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(0, end);
    }

    private static boolean containsNumber(String haystack, String number) {
        return Pattern.compile("(?<!\\d)" + Pattern.quote(number) + "(?!\\d)").matcher(haystack).find();
    }

    private static boolean containsWord(String haystack, String word) {
        if (Pattern.compile("(?<![\\p{L}\\d])" + Pattern.quote(word)).matcher(haystack).find()) {
            return true;
        }
        // "Berlin's" or "Germany." in the answer; "Zalando's" in the resume.
        String stem = word.replaceAll("(?:['’]s|s)$", "");
        return stem.length() >= 3 && Pattern.compile("(?<![\\p{L}\\d])" + Pattern.quote(stem)).matcher(haystack).find();
    }

    /** Lower case without accents, so "Munchen" in an answer matches "München" in the resume. */
    static String fold(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    }
}
