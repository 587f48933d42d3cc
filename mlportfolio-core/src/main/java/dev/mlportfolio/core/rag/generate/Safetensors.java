package dev.mlportfolio.core.rag.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The F32 tensors of a model folder's {@code *.safetensors} files (an 8-byte header length, a JSON
 * header of name, dtype, shape and byte range, then the raw little-endian data), read into heap
 * arrays. Written here because no library on Maven Central reads safetensors into Java arrays
 * without bringing a tensor framework (Jlama's reader maps into its own tensor types). Only F32 is read: {@code scripts/fetch_llm.sh} writes F32, and this engine quantizes
 * itself when asked to.
 */
final class Safetensors {
    private record Entry(Path file, long offset, long bytes, int[] shape) {
    }

    private final Map<String, Entry> entries;

    private Safetensors(Map<String, Entry> entries) {
        this.entries = entries;
    }

    static Safetensors open(Path folder) {
        Map<String, Entry> entries = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.safetensors")) {
            for (Path file : files) {
                readHeader(file, entries);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the safetensors files of " + folder, e);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no *.safetensors file in " + folder);
        }
        return new Safetensors(entries);
    }

    /** {@return whether the folder has safetensors files and every tensor in them is F32} */
    static boolean allF32(Path folder) {
        try {
            open(folder);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void readHeader(Path file, Map<String, Entry> entries) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            long headerBytes = length.flip().getLong();
            if (headerBytes <= 0 || headerBytes > 100_000_000 || headerBytes + 8 > channel.size()) {
                throw new IllegalArgumentException(file.getFileName() + " is not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            channel.read(header, 8);
            JsonNode json = new ObjectMapper().readTree(header.array());
            long base = 8 + headerBytes;
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode tensor = field.getValue();
                JsonNode range = tensor.path("data_offsets");
                int[] shape = new int[tensor.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = tensor.path("shape").get(i).asInt();
                }
                if (!tensor.path("dtype").asText().equals("F32")) {
                    throw new IllegalArgumentException(field.getKey() + " in " + file.getFileName() + " is "
                            + tensor.path("dtype").asText() + "; this engine reads F32 folders (scripts/fetch_llm.sh makes one)");
                }
                entries.put(field.getKey(), new Entry(file, base + range.get(0).asLong(),
                        range.get(1).asLong() - range.get(0).asLong(), shape));
            }
        }
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** The tensor's values, checked against the expected shape. */
    float[] floats(String name, int... shape) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        if (!java.util.Arrays.equals(entry.shape, shape)) {
            throw new IllegalArgumentException(name + " has shape " + java.util.Arrays.toString(entry.shape) + ", expected "
                    + java.util.Arrays.toString(shape));
        }
        float[] out = new float[Math.toIntExact(entry.bytes / Float.BYTES)];
        // Read in 1 MB pieces rather than memory-mapped: mapped pages would count in the process's
        // resident memory beside the arrays until the mapping is collected.
        ByteBuffer piece = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(entry.file, StandardOpenOption.READ)) {
            long at = entry.offset;
            int filled = 0;
            while (filled < out.length) {
                piece.clear().limit((int) Math.min(piece.capacity(), (long) (out.length - filled) * Float.BYTES));
                while (piece.hasRemaining()) {
                    int read = channel.read(piece, at + piece.position());
                    if (read < 0) {
                        throw new IOException("the file ends inside " + name);
                    }
                }
                at += piece.limit();
                piece.flip();
                int count = piece.limit() / Float.BYTES;
                piece.asFloatBuffer().get(out, filled, count);
                filled += count;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from " + entry.file.getFileName(), e);
        }
        return out;
    }
}
