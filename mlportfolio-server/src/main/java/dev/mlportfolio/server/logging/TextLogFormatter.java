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
                .append(escape(message(record), false));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(escape(trace.toString().stripTrailing(), true));
        }
        return line.append(System.lineSeparator()).toString();
    }

    /**
     * Control characters written as escapes: a NUL or an escape sequence from a client's file
     * name or an exception message would otherwise reach the terminal or the log file raw (grep
     * then calls the file binary), and a newline would forge a log line. A stack trace keeps
     * its own line breaks and tabs.
     */
    static String escape(String text, boolean keepLines) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
                    && !(keepLines && (c == '\n' || c == '\r' || c == '\t'));
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private String message(LogRecord record) {
        Object[] params = record.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof AccessLogEntry entry) {
            return entry.text();
        }
        return formatMessage(record);
    }
}
