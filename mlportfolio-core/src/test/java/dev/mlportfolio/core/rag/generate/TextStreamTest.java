package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming text from byte-level tokens, on a byte-level BPE tokenizer with no merges (one token
 * per UTF-8 byte, GPT-2's byte alphabet, run by Hugging Face tokenizers as for real models): an
 * accented letter is two tokens and an emoji four, so a piece must wait for the character's last byte.
 */
class TextStreamTest {
    @TempDir
    static Path dir;
    private static ModelTokenizer tokenizer;

    @BeforeAll
    static void writeByteTokenizer() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("version", "1.0").putNull("truncation").putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").putNull("unk_token")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false)
                .put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        int[] alphabet = byteAlphabet();
        for (int b = 0; b < 256; b++) {
            vocab.put(Character.toString(alphabet[b]), b);   // token id = the byte's value
        }
        model.putArray("merges");
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
        tokenizer = ModelTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others from U+0100 on. */
    private static int[] byteAlphabet() {
        int[] out = new int[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? b : next++;
        }
        return out;
    }

    private static int[] bytes(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            ids[i] = utf8[i] & 0xFF;
        }
        return ids;
    }

    @Test
    void theTokenizerIsOneTokenPerByte() {
        assertEquals(List.of(0xC3, 0xA9), boxed(tokenizer.encode("é")));
        assertEquals("é😀", tokenizer.decode(bytes("é😀"), bytes("é😀").length));
    }

    @Test
    void piecesWaitForTheLastByteOfACharacterAndMakeTheWholeText() {
        String text = "Café 😀 — naïve";
        TextStream stream = new TextStream(tokenizer);
        List<String> pieces = new ArrayList<>();
        for (int id : bytes(text)) {
            stream.add(id);
            String piece = stream.emit(stream.tokens(), false);
            assertFalse(piece.contains("\uFFFD"), "a half character was handed out: " + pieces);
            pieces.add(piece);
        }
        assertEquals(text, String.join("", pieces));
        assertEquals("", pieces.get(3), "the first byte of é waits");
        assertEquals("é", pieces.get(4));
        assertEquals(List.of("", "", "", "😀"), pieces.subList(6, 10), "four bytes, one piece");
        assertEquals(bytes(text).length, stream.tokens());
    }

    @Test
    void heldBackTokensAreNotHandedOutAndTheLastCallHandsOutWhatIsLeft() {
        TextStream stream = new TextStream(tokenizer);
        for (int id : bytes("ab\u00e9")) {
            stream.add(id);
        }
        assertEquals("", stream.emit(0, false), "nothing asked for");
        assertEquals("a", stream.emit(1, false), "the newest two tokens held back");
        assertEquals("", stream.emit(1, false), "handed out once");
        assertEquals("", stream.emit(3, false), "the three tokens end in half an é: wait, \"b\" included");
        assertEquals("b\uFFFD", stream.emit(3, true), "the last call hands out what is there, even half a character");
        assertEquals("ab\u00e9", stream.textOf(99), "more tokens than there are: all of them");
        assertEquals("", stream.textOf(0));
    }

    @Test
    void longAnswersGrowTheBuffer() {
        TextStream stream = new TextStream(tokenizer);
        String text = "x".repeat(200) + "é".repeat(100);
        for (int id : bytes(text)) {
            stream.add(id);
        }
        assertEquals(400, stream.tokens());
        assertEquals(text, stream.emit(400, true));
        assertTrue(stream.emit(400, true).isEmpty());
    }

    private static List<Integer> boxed(int[] ids) {
        List<Integer> out = new ArrayList<>();
        for (int id : ids) {
            out.add(id);
        }
        return out;
    }
}
