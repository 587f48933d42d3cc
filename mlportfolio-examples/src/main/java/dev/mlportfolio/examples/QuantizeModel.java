package dev.mlportfolio.examples;

import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes a Jlama Q4 copy of a model folder (what Jlama's "JQ4" downloads are), for faster
 * generation at some cost in exactness: {@code scripts/fetch_llm.sh} runs it with {@code JQ4=1}.
 * Embeddings and norms stay in full precision, as Jlama's own quantizer leaves them.
 *
 * <pre>java ... QuantizeModel MODEL_DIR OUT_DIR</pre>
 */
public final class QuantizeModel {
    private QuantizeModel() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: QuantizeModel MODEL_DIR OUT_DIR   (writes a Jlama Q4 copy of MODEL_DIR)");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (!Files.isRegularFile(in.resolve("config.json"))) {
            System.err.println("QuantizeModel: no config.json in " + in);
            System.exit(2);
        }
        Path written = SafeTensorSupport.quantizeModel(in, DType.Q4, new String[] {"model.embed_tokens.weight"},
                new String[0], Optional.of(out));
        System.out.println("QuantizeModel: wrote " + written);
    }
}
