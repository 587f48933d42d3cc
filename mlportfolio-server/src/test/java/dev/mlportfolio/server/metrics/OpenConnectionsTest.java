package dev.mlportfolio.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OpenConnectionsTest {
    @Test
    void countsEstablishedRowsOnTheLocalPortOnly() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1",  // listening
                "   1: 0100007F:1F40 0100007F:C2D4 01 00000000:00000000 00:00000000 00000000     0        0 2",  // ours
                "   2: 0100007F:1F40 0100007F:C2D6 01 00000000:00000000 00:00000000 00000000     0        0 3",  // ours
                "   3: 0100007F:C2D4 0100007F:1F40 01 00000000:00000000 00:00000000 00000000     0        0 4",  // the client side
                "   4: 0100007F:1F40 0100007F:C2D8 06 00000000:00000000 00:00000000 00000000     0        0 5"); // TIME_WAIT
        assertEquals(2, OpenConnections.count(table, 0x1F40));
    }

    @Test
    void seesRealConnectionsOnThisMachine() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket a = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket b = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket acceptedA = server.accept();
             Socket acceptedB = server.accept()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/tcp")),
                    "no /proc/net/tcp (not Linux): open connections are not measured here");
            OptionalInt open = OpenConnections.count(server.getLocalPort());
            assertTrue(open.isPresent(), "counted from /proc/net/tcp");
            assertEquals(2, open.getAsInt());
        }
    }

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
