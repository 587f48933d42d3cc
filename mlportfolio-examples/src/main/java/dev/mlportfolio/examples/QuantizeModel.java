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

    static final String USAGE = "QuantizeModel MODEL_DIR OUT_DIR   (writes a Jlama Q4 copy of MODEL_DIR)";
    private static final String MARKER = ".quantized-by-mlportfolio";

    // Running it again replaces its own earlier output; any other folder with files is refused.
    private static void clearEarlierOutput(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return;
        }
        try (var entries = Files.list(out)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        if (!Files.isRegularFile(out.resolve(MARKER))) {
            throw new Cli.Problem(out + " already holds files that QuantizeModel did not write; choose an empty OUT_DIR");
        }
        try (var files = Files.walk(out)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static void main(String[] args) {
        Cli.exit(run(args, System.err));
    }

    static int run(String[] args, java.io.PrintStream err) {
        return Cli.run("QuantizeModel", args, QuantizeModel::quantize, err);
    }

    private static void quantize(String[] args) throws IOException {
        Cli.arguments(args, 2, 2, USAGE);
        Path in = Cli.directory(args[0]);
        Path out = Path.of(args[1]);
        if (!Files.isRegularFile(in.resolve("config.json"))) {
            throw new Cli.Problem("no config.json in " + in);
        }
        clearEarlierOutput(out);
        Path written = SafeTensorSupport.quantizeModel(in, DType.Q4, new String[] {"model.embed_tokens.weight"},
                new String[0], Optional.of(out));
        Files.writeString(out.resolve(MARKER), "written by mlportfolio's QuantizeModel from " + in.toAbsolutePath() + "\n");
        System.out.println("QuantizeModel: wrote " + written);
    }
}
