package dev.mlportfolio.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The process's resident memory ({@code VmRSS} in {@code /proc/self/status}), and how much it grew
 * while something was loaded: what {@code model_memory_usage_bytes} reports. Models keep most of
 * their memory outside the Java heap (ONNX Runtime sessions, memory-mapped weights), so the heap
 * alone would miss it.
 */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Resident bytes now; empty where there is no {@code /proc} (not Linux). */
    public static OptionalLong bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: not measurable here
        }
        return OptionalLong.empty();
    }

    /** A value and how much resident memory the process gained while it was made (never negative). */
    public record Measured<T>(T value, OptionalLong grownBytes) {
    }

    public static <T> Measured<T> whileLoading(Supplier<T> load) {
        OptionalLong before = bytes();
        T value = load.get();
        OptionalLong after = bytes();
        return new Measured<>(value, before.isPresent() && after.isPresent()
                ? OptionalLong.of(Math.max(0, after.getAsLong() - before.getAsLong())) : OptionalLong.empty());
    }
}
