package dev.mlportfolio.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.LocalPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's nginx running the shipped {@code deploy/nginx/nginx.conf} on loopback, with the compose
 * upstream replaced by the given local servers. Everything else in the config is as shipped.
 */
public final class NginxProcess implements AutoCloseable {
    private static final Path CONFIG = Tools.ROOT.resolve("deploy/nginx/nginx.conf");
    private static final String UPSTREAM = "        server mlportfolio:8000 max_fails=3 fail_timeout=10s;\n";

    private final Process process;
    private final String url;
    private final Path dir;

    private NginxProcess(Process process, String url, Path dir) {
        this.process = process;
        this.url = url;
        this.dir = dir;
    }

    /** Starts nginx in front of servers on these loopback ports and waits until it proxies. */
    public static NginxProcess start(List<Integer> upstreamPorts) throws Exception {
        Path binary = Tools.binary("MLPORTFOLIO_NGINX_BIN", "/usr/sbin/nginx", "/usr/bin/nginx");
        StringBuilder upstream = new StringBuilder();
        for (int port : upstreamPorts) {
            upstream.append("        server 127.0.0.1:").append(port).append(" max_fails=3 fail_timeout=10s;\n");
        }
        Path dir = Files.createTempDirectory("nginx-test");
        // Workers run as an unprivileged user when the master is root: let them write their buffers.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = LocalPorts.free();
        String url = "http://127.0.0.1:" + port;
        String shipped = Files.readString(CONFIG);
        assertTrue(shipped.contains(UPSTREAM) && shipped.contains("listen 80;") && shipped.contains("user nginx;\n"),
                "the config has the compose upstream, port and user");
        // Debian has no `nginx` user (the image does): workers fall back to nobody.
        String config = shipped.replace("user nginx;\n", "").replace(UPSTREAM, upstream.toString())
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("http {\n", "http {\n    client_body_temp_path " + dir + "/body;\n    proxy_temp_path " + dir
                        + "/proxy;\n    fastcgi_temp_path " + dir + "/fastcgi;\n    uwsgi_temp_path " + dir
                        + "/uwsgi;\n    scgi_temp_path " + dir + "/scgi;\n");
        Path conf = Files.writeString(dir.resolve("nginx.conf"), config);
        List<String> command = List.of(binary.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";");
        List<String> check = new ArrayList<>(command);
        check.add("-t");
        Process test = new ProcessBuilder(check).redirectErrorStream(true).start();
        String checkOutput = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, test.waitFor(), "nginx -t: " + checkOutput);
        Process nginx = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.log").toFile()).start();
        Tools.waitFor("nginx listening", Duration.ofSeconds(30), () -> {
            try {
                return Tools.get(url + "/health/live").statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        return new NginxProcess(nginx, url, dir);
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return url;
    }

    /** nginx's access and error log so far. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("nginx.log"));
    }

    @Override
    public void close() {
        Tools.stop(process);
    }
}
