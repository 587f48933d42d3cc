package dev.mlportfolio.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Counts the established TCP connections on the server's port by reading the kernel's socket
 * tables ({@code /proc/net/tcp} and {@code tcp6}), since Helidon does not expose its connection
 * list. Idle keep-alive connections count; connections the server made itself (to MLflow) do not,
 * because their local port differs. Empty where there is no {@code /proc} (not Linux).
 */
final class OpenConnections {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String ESTABLISHED = "01";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private OpenConnections() {
    }

    static OptionalInt count(int localPort) {
        int count = 0;
        boolean readAny = false;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            readAny = true;
            count += count(lines, localPort);
        }
        return readAny ? OptionalInt.of(count) : OptionalInt.empty();
    }

    /** Rows look like {@code 0: 0100007F:1F40 0100007F:C2D4 01 ...}: local address:port in hex, then remote, then state. */
    static int count(List<String> lines, int localPort) {
        int count = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = WHITESPACE.split(lines.get(i).trim());
            if (fields.length < 4 || !fields[3].equals(ESTABLISHED)) {
                continue;
            }
            int colon = fields[1].lastIndexOf(':');
            if (colon > 0 && Integer.parseInt(fields[1].substring(colon + 1), 16) == localPort) {
                count++;
            }
        }
        return count;
    }
}
