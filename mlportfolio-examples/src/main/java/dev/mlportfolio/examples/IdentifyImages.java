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

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: IdentifyImages FILE...");
            System.exit(64);
        }
        for (String arg : args) {
            Path file = Path.of(arg);
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
