package dev.mlportfolio.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResidentMemoryTest {
    @Test
    void residentMemoryGrowsWhenMemoryIsTouched() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status")),
                "no /proc/self/status (not Linux): resident memory is not measured here");
        // Native memory, like an ONNX session's: fresh pages, so resident memory must grow when they are written.
        ResidentMemory.Measured<java.nio.ByteBuffer> measured = ResidentMemory.whileLoading(() -> {
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(64 << 20);
            for (int i = 0; i < block.capacity(); i += 4096) {
                block.put(i, (byte) 1);
            }
            return block;
        });
        assertTrue(measured.grownBytes().isPresent(), "measured from /proc/self/status");
        assertTrue(measured.grownBytes().getAsLong() >= 32L << 20, "grew " + measured.grownBytes());
    }
}
