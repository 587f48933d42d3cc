package dev.mlportfolio.core.rag.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer against Hugging Face {@code tokenizers} on texts at the edges of BERT's character
 * classes (fixtures/minilm-token-ids.json, from {@code scripts/make_test_fixtures.py wordpiece}):
 * every kind of white space and removed character, the ASCII punctuation ranges, each end of the
 * CJK ranges and the code points just outside them, and the longest word that is still split.
 * Then the word-piece rules on a vocabulary small enough to follow by hand.
 */
class WordPieceTokenizerTest {
    private static WordPieceTokenizer minilm;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream json = WordPieceTokenizer.class.getResourceAsStream(MiniLmEmbedder.TOKENIZER_RESOURCE);
             InputStream fixture = WordPieceTokenizerTest.class.getResourceAsStream("/fixtures/minilm-token-ids.json")) {
            minilm = WordPieceTokenizer.fromJson(json);
            reference = new ObjectMapper().readTree(fixture);
        }
    }

    @Test
    void idsAtTheEdgesOfEachCharacterClassMatchHuggingFaceTokenizers() {
        assertTrue(reference.size() > 40, "the fixture holds the boundary texts");
        for (JsonNode row : reference) {
            String text = row.get("text").asText();
            int[] expected = new int[row.get("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = row.get("ids").get(i).asInt();
            }
            assertArrayEquals(expected, minilm.encode(text), () -> "ids of " + escaped(text));
        }
    }

    private static WordPieceTokenizer tiny(int maxCharsPerWord) throws IOException {
        String json = """
                {"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                 "max_input_chars_per_word": %d,
                 "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "un": 3, "##aff": 4, "##able": 5, "##a": 6,
                           "a": 7, "aff": 8, "unaff": 9, "##ab": 10, ",": 11}}}
                """.formatted(maxCharsPerWord);
        return WordPieceTokenizer.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void thePieceTakenIsAlwaysTheLongestThatIsInTheVocabulary() throws IOException {
        WordPieceTokenizer tokenizer = tiny(100);
        assertArrayEquals(new int[] {9, 5}, tokenizer.encodeWords("unaffable"), "unaff + ##able, not un + ##aff + ##able");
        assertArrayEquals(new int[] {1, 9, 5, 11, 7, 2}, tokenizer.encode("Unaffable, A"), "lower-cased, split at the comma");
        assertArrayEquals(new int[] {7, 6, 6}, tokenizer.encodeWords("aaa"));
    }

    @Test
    void aWordWithAnyPartMissingFromTheVocabularyIsOneUnknownToken() throws IOException {
        WordPieceTokenizer tokenizer = tiny(100);
        assertArrayEquals(new int[] {0}, tokenizer.encodeWords("unaffablex"), "no ##x: the whole word, not its start, is unknown");
        assertArrayEquals(new int[] {0, 7}, tokenizer.encodeWords("x a"));
    }

    @Test
    void wordsLongerThanTheLimitAreUnknownAndTheLimitItselfIsNot() throws IOException {
        WordPieceTokenizer tokenizer = tiny(3);
        assertArrayEquals(new int[] {7, 6, 6}, tokenizer.encodeWords("aaa"));
        assertArrayEquals(new int[] {0}, tokenizer.encodeWords("aaaa"));
        assertArrayEquals(new int[] {0}, tiny(2).encodeWords("aaa"));
    }

    @Test
    void wrapPutsTheMarkersAroundTheWords() throws IOException {
        assertArrayEquals(new int[] {1, 7, 7, 2}, tiny(100).wrap(new int[] {7, 7}));
        assertArrayEquals(new int[] {1, 2}, tiny(100).encode(""));
    }

    @Test
    void refusesOtherModelsAndVocabulariesWithoutTheMarkers() {
        IOException other = assertThrows(IOException.class, () -> WordPieceTokenizer.fromJson(
                new ByteArrayInputStream("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(other.getMessage().contains("BPE"), other.getMessage());
        IllegalArgumentException noMarkers = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.fromJson(
                new ByteArrayInputStream("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"[CLS]\": 1}}}"
                        .getBytes(StandardCharsets.UTF_8))));
        assertTrue(noMarkers.getMessage().contains("[SEP]"), noMarkers.getMessage());
    }

    @Test
    void normalizationAndSplittingStepByStep() {
        assertEquals("cafe nandu", WordPieceTokenizer.normalize("Café\u00a0Ñandú"));
        assertEquals("ab c", WordPieceTokenizer.normalize("a\u200bb\u2028c"), "a format character goes, a line separator is a space");
        assertEquals(" \u4e00 x", WordPieceTokenizer.normalize("\u4e00x"));
        assertEquals("ab", WordPieceTokenizer.normalize("a\ud800b"), "a lone surrogate (only a Java string can hold one) goes");
        assertEquals(List.of("a", "-", "b", "$", "c"), WordPieceTokenizer.preTokenize("a-b $c"));
        assertEquals(List.of("5€", "x×y"), WordPieceTokenizer.preTokenize("5€ x×y"), "symbols outside ASCII do not split");
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append(cp < 0x20 || cp > 0x7e ? String.format("\\u{%x}", cp) : Character.toString(cp)));
        return out.toString();
    }
}
