package dev.mlportfolio.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What every example does with its command line: a mistake (wrong arguments, a missing file, a
 * file that is not what it should be) is one line on stderr and exit status 2; any other failure
 * one line and status 1; never a stack trace. Each example's {@code run} returns the status so
 * tests can call it; {@code main} exits with it.
 */
final class Cli {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private Cli() {
    }

    /** A mistake in the command line or in its files, said in one line. */
    static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    interface Program {
        void run(String[] args) throws Exception;
    }

    static int run(String name, String[] args, Program program, PrintStream err) {
        try {
            program.run(args);
            return 0;
        } catch (Problem e) {
            err.println(name + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println(name + ": no such file: " + e.getFile());
            return BAD_INPUT;
        } catch (IllegalArgumentException | dev.mlportfolio.core.image.InvalidImageException e) {
            err.println(name + ": " + oneLine(e.getMessage()));
            return BAD_INPUT;
        } catch (Exception e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            err.println(name + ": " + oneLine(cause.getMessage() != null ? cause.getMessage() : cause.toString()));
            return FAILED;
        }
    }

    /** Exits with the status unless it is 0 (so a program called from a test returns normally). */
    static void exit(int status) {
        if (status != 0) {
            System.exit(status);
        }
    }

    static void arguments(String[] args, int min, int max, String usage) {
        if (args.length < min || args.length > max) {
            throw new Problem("usage: " + usage);
        }
    }

    static Path file(String arg) {
        Path path = Path.of(arg);
        if (!Files.isRegularFile(path)) {
            throw new Problem((Files.exists(path) ? "not a file: " : "no such file: ") + arg);
        }
        return path;
    }

    static Path directory(String arg) {
        Path path = Path.of(arg);
        if (!Files.isDirectory(path)) {
            throw new Problem((Files.exists(path) ? "not a folder: " : "no such folder: ") + arg);
        }
        return path;
    }

    static float threshold(String arg) {
        try {
            float value = Float.parseFloat(arg);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Problem("THRESHOLD must be a number from 0 to 1, not " + arg);
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Problem("cannot create " + dir + ": " + oneLine(e.getMessage()));
        }
    }

    // Messages can carry newlines (ONNX Runtime's) or control characters from file contents.
    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("[\\p{Cntrl}]+", " ").strip();
    }
}
