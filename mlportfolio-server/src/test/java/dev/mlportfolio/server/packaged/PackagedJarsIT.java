package dev.mlportfolio.server.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the packaged jars tell the JVM about themselves: a stable module name for users who put
 * them on the module path (neither has a module-info), read from the jars Maven built.
 */
class PackagedJarsIT {
    private static String moduleName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        }
    }

    @Test
    void theServerAndTheCoreNameTheirModules() throws IOException {
        assertEquals("dev.mlportfolio.server", moduleName(Path.of("target/mlportfolio-server.jar")));
        List<Path> core;
        try (Stream<Path> libs = Files.list(Path.of("target/libs"))) {
            core = libs.filter(p -> p.getFileName().toString().matches("mlportfolio-core-[^-]+(-SNAPSHOT)?\\.jar")).toList();
        }
        assertEquals(1, core.size(), "the core jar the server runs with: " + core);
        assertEquals("dev.mlportfolio.core", moduleName(core.get(0)));
        assertTrue(Files.readString(Path.of("../LICENSE")).contains("Apache License"), "the project's licence text is at the top");
    }
}
