package dev.mlportfolio.core.rag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Text analysis for resumes and questions about them.
 *
 * <p>Chunks are indexed with Lucene's English analysis (stop words, Porter stemming). Questions
 * drop, in addition, the words every question has ("what", "did", "you", "your", "tell me
 * about"), which would otherwise match any chunk that happens to contain them. And degree
 * abbreviations are spelled out in what is indexed and embedded (M.Sc. also reads "Master of
 * Science"), because neither BM25 nor the embedding model connects "master's" with "M.Sc.";
 * likewise an open date range ("2022 – present") is marked current.
 */
public final class ResumeAnalysis {
    private static final List<String> QUESTION_WORDS = List.of(
            "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "do", "does", "did", "done", "doing",
            "you", "your", "yours", "yourself", "i", "me", "my", "mine", "we", "our", "he", "she", "his", "her", "him",
            "tell", "about", "can", "could", "would", "should", "have", "has", "had", "having", "been", "am", "please",
            "give", "list", "describe", "explain", "know", "any", "some", "kind", "kinds", "type", "types", "much", "many",
            "does", "from", "get", "got");

    private static final List<Abbreviation> DEGREES = List.of(
            new Abbreviation("\\b(?:M\\.\\s?Sc\\.?|MSc|M\\.S\\.|M\\.\\s?Eng\\.?|MEng|M\\.A\\.|MBA|M\\.\\s?Tech\\.?|LL\\.M\\.?)(?=[\\s,;(]|$)",
                    "Master's degree"),
            new Abbreviation("\\b(?:B\\.\\s?Sc\\.?|BSc|B\\.S\\.|B\\.\\s?Eng\\.?|BEng|B\\.A\\.|B\\.\\s?Tech\\.?|LL\\.B\\.?)(?=[\\s,;(]|$)",
                    "Bachelor's degree"),
            new Abbreviation("\\b(?:Ph\\.\\s?D\\.?|PhD|DPhil|Dr\\.\\s?rer\\.\\s?nat\\.?)(?=[\\s,;(]|$)", "doctorate"));

    // "2022 – present" ends a range in resumes; questions say "current" or "now".
    private static final Pattern ONGOING = Pattern.compile("(?i)([-–—]\\s*)(present|now|today|ongoing)\\b");

    private record Abbreviation(Pattern pattern, String meaning) {
        Abbreviation(String regex, String meaning) {
            this(Pattern.compile(regex), meaning);
        }
    }

    private ResumeAnalysis() {
    }

    /** {@return analysis of indexed chunks} */
    static Analyzer indexAnalyzer() {
        return new EnglishAnalyzer();
    }

    /** {@return analysis of questions: the index's, minus the words all questions share} */
    static Analyzer questionAnalyzer() {
        CharArraySet stop = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
        stop.addAll(QUESTION_WORDS);
        return new EnglishAnalyzer(stop);
    }

    /**
     * The text with degree abbreviations followed by what they mean ("M.Sc. (Master's degree)
     * Computer Science") and open date ranges marked as current ("2022 – present (current)").
     *
     * @param text a chunk's text
     * @return the text to index and embed
     */
    public static String expandAbbreviations(String text) {
        String out = ONGOING.matcher(text).replaceAll("$1$2 (current)");
        for (Abbreviation degree : DEGREES) {
            Matcher m = degree.pattern().matcher(out);
            out = m.replaceAll(match -> Matcher.quoteReplacement(match.group() + " (" + degree.meaning() + ")"));
        }
        return out;
    }

    /** The distinct terms an analyzer makes of a text. */
    static Set<String> terms(Analyzer analyzer, String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream("body", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }
}
