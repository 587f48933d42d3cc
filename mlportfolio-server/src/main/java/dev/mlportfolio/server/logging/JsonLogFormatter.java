package dev.mlportfolio.server.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlportfolio.server.http.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** One JSON object per line, for log shippers: {@code {"timestamp", "level", "logger", "message", ...}}. */
public final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("timestamp", Instant.ofEpochMilli(record.getMillis()).toString())
                .put("level", LogLevels.name(record.getLevel()))
                .put("logger", record.getLoggerName())
                .put("thread", Thread.currentThread().getName());
        Object[] params = record.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof AccessLogEntry entry) {
            line.put("message", entry.text())
                    .put("method", entry.method())
                    .put("route", entry.route())
                    .put("path", entry.path())
                    .put("status", entry.status())
                    .put("duration_ms", entry.durationMs())
                    .put("request_id", entry.requestId());
        } else {
            line.put("message", formatMessage(record));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("exception", trace.toString());
        }
        try {
            return Json.MAPPER.writeValueAsString(line) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"unloggable record\"}" + System.lineSeparator();
        }
    }
}
