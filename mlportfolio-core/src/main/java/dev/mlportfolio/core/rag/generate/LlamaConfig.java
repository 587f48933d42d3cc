package dev.mlportfolio.core.rag.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The shape of a Llama-architecture model, from its Hugging Face {@code config.json}.
 *
 * @param dim        the hidden size
 * @param hidden     the feed-forward size
 * @param layers     decoder layers
 * @param heads      query heads
 * @param kvHeads    key/value heads (grouped-query attention when fewer than {@code heads})
 * @param vocabulary the vocabulary size
 * @param context    the context window, in tokens
 * @param normEps    RMS norm epsilon
 * @param ropeTheta  the rotary embedding base
 * @param tied       whether the output layer is the embedding matrix
 * @param bos        the begin-of-text token
 * @param eos        the end tokens config.json lists
 */
record LlamaConfig(int dim, int hidden, int layers, int heads, int kvHeads, int vocabulary, int context, float normEps,
                   double ropeTheta, boolean tied, int bos, Set<Integer> eos) {

    int headDim() {
        return dim / heads;
    }

    int kvDim() {
        return kvHeads * headDim();
    }

    /** Reads config.json; empty when the folder's model is not a Llama this engine runs. */
    static java.util.Optional<LlamaConfig> read(Path folder) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readString(folder.resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config.json in " + folder, e);
        }
        boolean llama = json.path("model_type").asText().equals("llama")
                && !json.path("attention_bias").asBoolean(false) && !json.path("mlp_bias").asBoolean(false)
                && json.path("hidden_act").asText("silu").equals("silu")
                && (json.path("rope_scaling").isNull() || json.path("rope_scaling").isMissingNode());
        if (!llama) {
            return java.util.Optional.empty();
        }
        int heads = json.path("num_attention_heads").asInt();
        Set<Integer> eos = new HashSet<>();
        JsonNode end = json.path("eos_token_id");
        if (end.isArray()) {
            end.forEach(id -> eos.add(id.asInt()));
        } else if (end.isInt()) {
            eos.add(end.asInt());
        }
        return java.util.Optional.of(new LlamaConfig(json.path("hidden_size").asInt(), json.path("intermediate_size").asInt(),
                json.path("num_hidden_layers").asInt(), heads, json.path("num_key_value_heads").asInt(heads),
                json.path("vocab_size").asInt(), json.path("max_position_embeddings").asInt(2048),
                (float) json.path("rms_norm_eps").asDouble(1e-5), json.path("rope_theta").asDouble(10000),
                json.path("tie_word_embeddings").asBoolean(false), json.path("bos_token_id").asInt(1), Set.copyOf(eos)));
    }
}
