package dev.mlportfolio.core.rag.answer;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether auto mode shows a model's answer or the extractive one. A small model's answer is shown
 * only when it is finished (ended by the model, not cut by the budget or a loop), answers rather
 * than echoing the prompt's scaffolding, states no fact that the most relevant lines (the extractive
 * answer's) lack ({@link Grounding}, checked against those lines by the caller), does
 * not claim "the resume does not say" about excerpts the retriever judged relevant, and shares at
 * least one content term with the most relevant resume lines. Anything else falls back, with the
 * reason in the answer's metadata.
 */
public final class AnswerAcceptance {
    private static final Set<String> FINISHED = Set.of("END_TOKEN", "PARAGRAPH_END");
    private static final Pattern ECHO = Pattern.compile(
            "(?i)resume excerpts|^\\s*resume:|question:|the answer to (?:the|this) question|answer this question");
    private static final Pattern NOT_SAID = Pattern.compile("(?i)(?:resume|excerpts?) (?:does|do) not (?:say|mention|contain)");
    private static final Pattern TERM = Pattern.compile("\\p{L}[\\p{L}\\p{M}+#-]{3,}|\\d+(?:[.,]\\d+)*");
    private static final Set<String> STOP = Set.of("that", "this", "with", "from", "have", "been", "were", "what", "which",
            "about", "their", "there", "they", "your", "resume", "answer", "question", "does", "also", "into", "than");

    private AnswerAcceptance() {
    }

    /**
     * Why the extractive answer is shown instead of the model's in auto mode.
     *
     * @param answer       the model's answer
     * @param finishReason why the model stopped
     * @param grounding    whether its facts are in the sources
     * @param extractive   the extractive answer for the same question
     * @return the reason, or null to show the model's answer
     */
    public static String fallbackReason(String answer, String finishReason, Grounding grounding, String extractive) {
        if (answer.isBlank()) {
            return "the model wrote nothing";
        }
        if (!FINISHED.contains(finishReason)) {
            return "the model's answer did not finish (" + finishReason.toLowerCase(Locale.ROOT) + ")";
        }
        if (ECHO.matcher(answer).find()) {
            return "the model repeated the prompt instead of answering";
        }
        if (!grounding.grounded()) {
            return "the model's answer names facts the most relevant resume lines do not hold: "
                    + String.join(", ", grounding.unsupported());
        }
        if (NOT_SAID.matcher(answer).find()) {
            return "the model found no answer in excerpts that the retriever judged relevant";
        }
        if (!sharesTerm(answer, extractive)) {
            return "the model's answer shares no term with the most relevant resume lines";
        }
        return null;
    }

    static boolean sharesTerm(String answer, String reference) {
        Set<String> known = terms(reference);
        return terms(answer).stream().anyMatch(known::contains);
    }

    private static Set<String> terms(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = TERM.matcher(Grounding.fold(text));
        while (m.find()) {
            String term = m.group();
            if (!STOP.contains(term)) {
                out.add(term.length() > 5 ? term.substring(0, 5) : term);
            }
        }
        return out;
    }
}
