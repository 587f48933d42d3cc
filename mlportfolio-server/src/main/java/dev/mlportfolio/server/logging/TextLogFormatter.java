package dev.mlportfolio.server.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** {@code 2026-11-27T15:39:29.123Z INFO  access  GET /health 200 0.4ms ...}: for people at a terminal. */
public final class TextLogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ')
                .append(String.format("%-7s", LogLevels.name(record.getLevel())))
                .append(' ')
                .append(LogLevels.shortLogger(record.getLoggerName()))
                .append("  ")
                .append(message(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        return line.append(System.lineSeparator()).toString();
    }

    private String message(LogRecord record) {
        Object[] params = record.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof AccessLogEntry entry) {
            return entry.text();
        }
        return formatMessage(record);
    }
}
