package dev.mlportfolio.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 for servers the tests start, and for addresses where nothing listens. */
public final class LocalPorts {
    private LocalPorts() {
    }

    /** A port nothing listens on right now (the kernel's pick, released at once). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
