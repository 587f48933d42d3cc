package dev.mlportfolio.examples;

import dev.mlportfolio.core.image.ImageFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints what each file really is, judged by its bytes rather than its name: the same check the
 * server runs on uploads.
 *
 * <pre>java -cp mlportfolio-core.jar:mlportfolio-examples.jar dev.mlportfolio.examples.IdentifyImages photo.jpg notes.pdf</pre>
 */
public final class IdentifyImages {
    private IdentifyImages() {
    }

    static final String USAGE = "IdentifyImages FILE...";

    public static void main(String[] args) {
        Cli.exit(run(args, System.err));
    }

    static int run(String[] args, java.io.PrintStream err) {
        return Cli.run("IdentifyImages", args, IdentifyImages::identify, err);
    }

    private static void identify(String[] args) throws IOException {
        Cli.arguments(args, 1, Integer.MAX_VALUE, USAGE);
        for (String arg : args) {
            Path file = Cli.file(arg);
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(ImageFormat.SNIFF_LENGTH);
            }
            String verdict = ImageFormat.detect(head)
                    .map(f -> f.mediaType() + (f.decodable() ? "" : " (recognised, not decoded by mlportfolio)"))
                    .orElse("not an image");
            System.out.println(file + ": " + verdict);
        }
    }
}
