package dev.mlportfolio.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny random-weight Llama model folder that Jlama's real loader reads: config.json,
 * tokenizer.json (one token per printable ASCII character), model.safetensors (F32) and, on
 * request, tokenizer_config.json with a chat template. Hidden size 32 with 2 heads gives a head
 * size of 16, a multiple of the vector width Jlama needs on both AVX2 and AVX-512 machines.
 * The weights are random, so the text it generates is gibberish; what it proves is the plumbing.
 */
public final class TinyLlama {
    public static final int HIDDEN = 32;
    public static final int INTERMEDIATE = 64;
    public static final int HEADS = 2;
    public static final int KV_HEADS = 1;
    public static final int LAYERS = 2;
    public static final int CONTEXT = 4096;

    private TinyLlama() {
    }

    public static Path write(Path folder, boolean chatTemplate, long seed) throws IOException {
        return write(folder, chatTemplate, seed, CONTEXT);
    }

    /** @param context the context window in tokens (one token per character here) */
    public static Path write(Path folder, boolean chatTemplate, long seed, int context) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> vocab = vocabulary();

        ObjectNode config = json.createObjectNode()
                .put("model_type", "llama")
                .put("hidden_size", HIDDEN)
                .put("intermediate_size", INTERMEDIATE)
                .put("num_attention_heads", HEADS)
                .put("num_key_value_heads", KV_HEADS)
                .put("num_hidden_layers", LAYERS)
                .put("rms_norm_eps", 1e-5)
                .put("vocab_size", vocab.size())
                .put("max_position_embeddings", context)
                .put("bos_token_id", 1)
                .put("eos_token_id", 2)
                .put("hidden_act", "silu")
                .put("rope_theta", 10000.0);
        json.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("config.json").toFile(), config);

        // A complete Hugging Face tokenizer.json (the generator runs it with the tokenizers library):
        // character-level BPE without merges, so one token per character; Fuse joins pieces when decoding.
        ObjectNode model = json.createObjectNode().put("type", "BPE").putNull("dropout").put("unk_token", "<unk>")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false)
                .put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        model.putArray("merges");
        ObjectNode tokenizer = json.createObjectNode().put("version", "1.0").putNull("truncation").putNull("padding");
        ArrayNode added = tokenizer.putArray("added_tokens");
        for (String special : new String[] {"<unk>", "<s>", "</s>"}) {
            added.addObject().put("id", vocab.get(special)).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        tokenizer.putNull("normalizer").putNull("pre_tokenizer").putNull("post_processor");
        tokenizer.putObject("decoder").put("type", "Fuse");
        tokenizer.set("model", model);
        json.writeValue(folder.resolve("tokenizer.json").toFile(), tokenizer);

        if (chatTemplate) {
            ObjectNode tc = json.createObjectNode()
                    .put("bos_token", "<s>")
                    .put("eos_token", "</s>")
                    .put("chat_template", "{% for message in messages %}[{{ message['role'] }}] {{ message['content'] }}\n"
                            + "{% endfor %}[assistant] ");
            json.writeValue(folder.resolve("tokenizer_config.json").toFile(), tc);
        }

        Random random = new Random(seed);
        Map<String, float[][]> tensors = new LinkedHashMap<>();
        int head = HIDDEN / HEADS;
        tensors.put("model.embed_tokens.weight", randomMatrix(random, vocab.size(), HIDDEN));
        for (int layer = 0; layer < LAYERS; layer++) {
            String p = "model.layers." + layer + ".";
            tensors.put(p + "self_attn.q_proj.weight", randomMatrix(random, HEADS * head, HIDDEN));
            tensors.put(p + "self_attn.k_proj.weight", randomMatrix(random, KV_HEADS * head, HIDDEN));
            tensors.put(p + "self_attn.v_proj.weight", randomMatrix(random, KV_HEADS * head, HIDDEN));
            tensors.put(p + "self_attn.o_proj.weight", randomMatrix(random, HIDDEN, HEADS * head));
            tensors.put(p + "mlp.gate_proj.weight", randomMatrix(random, INTERMEDIATE, HIDDEN));
            tensors.put(p + "mlp.up_proj.weight", randomMatrix(random, INTERMEDIATE, HIDDEN));
            tensors.put(p + "mlp.down_proj.weight", randomMatrix(random, HIDDEN, INTERMEDIATE));
            tensors.put(p + "input_layernorm.weight", ones(HIDDEN));
            tensors.put(p + "post_attention_layernorm.weight", ones(HIDDEN));
        }
        tensors.put("model.norm.weight", ones(HIDDEN));
        tensors.put("lm_head.weight", randomMatrix(random, vocab.size(), HIDDEN));
        writeSafetensors(folder.resolve("model.safetensors"), tensors, json);
        return folder;
    }

    /** {@code <unk> <s> </s>}, space, newline, printable ASCII, then fillers up to 128 entries. */
    static Map<String, Integer> vocabulary() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String special : new String[] {"<unk>", "<s>", "</s>", "\n"}) {
            vocab.put(special, vocab.size());
        }
        for (char c = 32; c < 127; c++) {
            vocab.put(String.valueOf(c), vocab.size());
        }
        while (vocab.size() < 128) {
            vocab.put("<x" + vocab.size() + ">", vocab.size());
        }
        return vocab;
    }

    private static float[][] randomMatrix(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) (random.nextGaussian() * 0.2);
            }
        }
        return m;
    }

    private static float[][] ones(int n) {
        float[][] m = new float[1][n];
        java.util.Arrays.fill(m[0], 1f);
        return m;
    }

    private static void writeSafetensors(Path file, Map<String, float[][]> tensors, ObjectMapper json) throws IOException {
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, float[][]> entry : tensors.entrySet()) {
            float[][] t = entry.getValue();
            boolean vector = entry.getKey().endsWith("norm.weight");
            long bytes = (long) t.length * t[0].length * 4;
            ObjectNode info = header.putObject(entry.getKey()).put("dtype", "F32");
            ArrayNode shape = info.putArray("shape");
            if (vector) {
                shape.add(t[0].length);
            } else {
                shape.add(t.length).add(t[0].length);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = java.util.Arrays.copyOf(headerBytes, padded);
        java.util.Arrays.fill(headerPadded, headerBytes.length, padded, (byte) ' ');
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerPadded);
            for (float[][] t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(t.length * t[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] row : t) {
                    for (float v : row) {
                        data.putFloat(v);
                    }
                }
                out.write(data.array());
            }
        }
    }
}
