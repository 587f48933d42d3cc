package dev.mlportfolio.core.rag.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer, read from a Hugging Face {@code tokenizer.json}: the
 * BertNormalizer (clean text, space around CJK ideographs, lowercase, strip accents), the
 * BertPreTokenizer (split on white space and punctuation) and greedy longest-match WordPiece with
 * the {@code ##} prefix. Pure Java, so no native tokenizer library is needed; tests compare its
 * ids with the Hugging Face {@code tokenizers} library on tricky text.
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocab;
    private final int unknown;
    private final int classifier;
    private final int separator;
    private final String prefix;
    private final int maxCharsPerWord;

    private WordPieceTokenizer(Map<String, Integer> vocab, String unknownToken, String prefix, int maxCharsPerWord) {
        this.vocab = vocab;
        this.unknown = id(vocab, unknownToken);
        this.classifier = id(vocab, "[CLS]");
        this.separator = id(vocab, "[SEP]");
        this.prefix = prefix;
        this.maxCharsPerWord = maxCharsPerWord;
    }

    /**
     * Reads a WordPiece {@code tokenizer.json} (Hugging Face tokenizers' format).
     *
     * @param json the file's content
     * @return the tokenizer
     * @throws IOException when the file cannot be read or is not a WordPiece tokenizer
     */
    public static WordPieceTokenizer fromJson(InputStream json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new IOException("not a WordPiece tokenizer: model.type=" + model.path("type").asText());
        }
        Map<String, Integer> vocab = new HashMap<>(model.path("vocab").size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            vocab.put(entry.getKey(), entry.getValue().asInt());
        }
        return new WordPieceTokenizer(vocab, model.path("unk_token").asText("[UNK]"),
                model.path("continuing_subword_prefix").asText("##"), model.path("max_input_chars_per_word").asInt(100));
    }

    /**
     * Token ids without the {@code [CLS]} and {@code [SEP]} markers.
     *
     * @param text the text
     * @return its word-piece ids
     */
    public int[] encodeWords(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String word : preTokenize(normalize(text))) {
            wordPiece(word, ids);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Token ids of one sequence as BERT reads it: {@code [CLS] ... [SEP]}.
     *
     * @param text the text
     * @return its ids with the markers
     */
    public int[] encode(String text) {
        return wrap(encodeWords(text));
    }

    /**
     * Adds {@code [CLS]} and {@code [SEP]} around word-piece ids.
     *
     * @param words word-piece ids
     * @return the ids with the markers
     */
    public int[] wrap(int[] words) {
        int[] ids = new int[words.length + 2];
        ids[0] = classifier;
        System.arraycopy(words, 0, ids, 1, words.length);
        ids[ids.length - 1] = separator;
        return ids;
    }

    static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isChineseChar(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        String lower = cleaned.toString().toLowerCase(java.util.Locale.ROOT);
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        decomposed.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(stripped::appendCodePoint);
        return stripped.toString();
    }

    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (isWhitespace(cp)) {
                flush(words, current);
            } else if (isPunctuation(cp)) {
                flush(words, current);
                words.add(new String(Character.toChars(cp)));
            } else {
                current.appendCodePoint(cp);
            }
        });
        flush(words, current);
        return words;
    }

    private void wordPiece(String word, List<Integer> out) {
        if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
            out.add(unknown);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (start < end) {
                String piece = (start > 0 ? prefix : "") + word.substring(start, end);
                found = vocab.get(piece);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                out.add(unknown);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private static void flush(List<String> words, StringBuilder current) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    // The character classes below follow the Hugging Face tokenizers crate (bert normalizer/pre-tokenizer),
    // checked code point by code point at their edges in WordPieceTokenizerTest.

    /** Rust's char::is_whitespace (Unicode White_Space), which splits at U+2028 and U+2029 too. */
    private static boolean isWhitespace(int cp) {
        if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        // Unassigned code points stay (and become [UNK]), as in tokenizers.
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                // 0x2B920, not 0x2B820 (BERT's own table): tokenizers' start of CJK Extension E.
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    private static int id(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token);
        }
        return id;
    }
}
