package dev.mlportfolio.core.tracking;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run record and its key as bytes, for the spool. Written by hand with {@link DataOutputStream}
 * because it is one fixed record type and the artifacts inside are raw bytes: JSON would grow them
 * by a third in base64, and Java serialization would tie the files to class layouts. The first
 * byte is the format version, so a later release can still read what an older one left.
 */
final class RunCodec {
    static final byte VERSION = 1;

    private RunCodec() {
    }

    static byte[] encode(String key, RunRecord run) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + (int) Math.min(Integer.MAX_VALUE / 2, run.artifactBytes()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            text(out, key);
            text(out, run.experiment());
            text(out, run.runName());
            instant(out, run.startTime());
            instant(out, run.endTime());
            out.writeByte(run.outcome().ordinal());
            texts(out, run.params());
            out.writeInt(run.metrics().size());
            for (Map.Entry<String, Double> e : run.metrics().entrySet()) {
                text(out, e.getKey());
                out.writeDouble(e.getValue());
            }
            texts(out, run.tags());
            out.writeInt(run.artifacts().size());
            for (RunArtifact artifact : run.artifacts()) {
                text(out, artifact.path());
                text(out, artifact.contentType());
                out.writeInt(artifact.content().length);
                out.write(artifact.content());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The key and the record, or an exception when the bytes are not a run of a known version. */
    static Decoded decode(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("spool entry of format " + version + ", this release reads " + VERSION);
        }
        String key = text(in);
        String experiment = text(in);
        String runName = text(in);
        Instant start = instant(in);
        Instant end = instant(in);
        RunOutcome outcome = RunOutcome.values()[in.readByte()];
        Map<String, String> params = texts(in);
        int metricCount = count(in);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < metricCount; i++) {
            metrics.put(text(in), in.readDouble());
        }
        Map<String, String> tags = texts(in);
        int artifactCount = count(in);
        List<RunArtifact> artifacts = new ArrayList<>();
        for (int i = 0; i < artifactCount; i++) {
            String path = text(in);
            String type = text(in);
            byte[] content = new byte[count(in)];
            in.readFully(content);
            artifacts.add(new RunArtifact(path, type, content));
        }
        return new Decoded(key, new RunRecord(experiment, runName, start, end, outcome, params, metrics, tags, artifacts));
    }

    record Decoded(String key, RunRecord run) {
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[count(in)];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void texts(DataOutputStream out, Map<String, String> values) throws IOException {
        out.writeInt(values.size());
        for (Map.Entry<String, String> e : values.entrySet()) {
            text(out, e.getKey());
            text(out, e.getValue());
        }
    }

    private static Map<String, String> texts(DataInputStream in) throws IOException {
        int n = count(in);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            values.put(text(in), text(in));
        }
        return values;
    }

    private static void instant(DataOutputStream out, Instant value) throws IOException {
        out.writeLong(value.getEpochSecond());
        out.writeInt(value.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    /** A length or count; a negative or absurd one means the bytes are not what they claim. */
    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("corrupt spool entry: a length of " + n + " with " + in.available() + " bytes left");
        }
        return n;
    }
}
