package dev.mlportfolio.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.http.Json;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormattersTest {
    private static final AccessLogEntry ENTRY = new AccessLogEntry("GET", "/task/{task_id}", "/task/abc", 404, 1.5, "r-1");

    @Test
    void jsonLinesCarryAccessFieldsAsFields() throws Exception {
        String line = new JsonLogFormatter().format(access());
        assertTrue(line.endsWith(System.lineSeparator()) && line.indexOf('\n') == line.length() - 1, "one line");
        JsonNode json = Json.MAPPER.readTree(line);
        assertEquals("INFO", json.get("level").asText());
        assertEquals(LogSetup.ACCESS_LOGGER, json.get("logger").asText());
        assertEquals("GET", json.get("method").asText());
        assertEquals("/task/{task_id}", json.get("route").asText());
        assertEquals("/task/abc", json.get("path").asText());
        assertEquals(404, json.get("status").asInt());
        assertEquals(1.5, json.get("duration_ms").asDouble());
        assertEquals("r-1", json.get("request_id").asText());
        assertTrue(json.get("timestamp").asText().endsWith("Z"));
    }

    @Test
    void jsonLinesKeepExceptionsInsideTheLine() throws Exception {
        LogRecord record = new LogRecord(Level.SEVERE, "boom {0}");
        record.setParameters(new Object[] {"now"});
        record.setLoggerName("x.Y");
        record.setThrown(new IllegalStateException("bad\nthing"));
        String line = new JsonLogFormatter().format(record);
        assertEquals(1, line.split("\n").length, "the trace is escaped into the one line");
        JsonNode json = Json.MAPPER.readTree(line);
        assertEquals("ERROR", json.get("level").asText());
        assertEquals("boom now", json.get("message").asText());
        assertTrue(json.get("exception").asText().contains("IllegalStateException"));
    }

    @Test
    void textLinesEscapeControlCharactersFromMessagesAndExceptions() {
        LogRecord record = new LogRecord(Level.WARNING, "upload {0} refused");
        record.setParameters(new Object[] {"a\u0000b\u001b[31m.png\nFORGED line"});
        record.setLoggerName("x.Y");
        record.setThrown(new IllegalArgumentException("name with \u0000 inside"));
        String text = new TextLogFormatter().format(record);
        assertTrue(text.contains("upload a\\u0000b\\u001b[31m.png\\nFORGED line refused"), text);
        assertTrue(text.contains("IllegalArgumentException: name with \\u0000 inside"), text);
        assertTrue(text.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t'), "no raw control characters");
        assertTrue(text.lines().noneMatch(l -> l.startsWith("FORGED")), "a newline in a message cannot start a log line");
    }

    @Test
    void textLinesAreReadable() {
        String line = new TextLogFormatter().format(access());
        assertTrue(line.matches("\\S+Z INFO +access  GET /task/\\{task_id} 404 1\\.5ms path=/task/abc request_id=r-1\\R"), line);
    }

    private static LogRecord access() {
        LogRecord record = new LogRecord(Level.INFO, "{0}");
        record.setLoggerName(LogSetup.ACCESS_LOGGER);
        record.setParameters(new Object[] {ENTRY});
        return record;
    }
}
