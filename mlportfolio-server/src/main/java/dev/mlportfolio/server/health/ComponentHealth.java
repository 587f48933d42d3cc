package dev.mlportfolio.server.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Map;

/**
 * The state of one part of the server, as {@code /health} shows it under {@code services}.
 *
 * @param message why the part is not up, or null when it is
 * @param details numbers worth a glance, e.g. queue depth
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ComponentHealth(Status status, String message, Map<String, Object> details) {

    public enum Status {
        /** Working. */
        UP,
        /** Working with a problem, e.g. a backlog. */
        DEGRADED,
        /** Meant to work and not working. */
        DOWN,
        /** Not configured or not part of this build; the rest of the server is unaffected. */
        UNAVAILABLE;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ComponentHealth {
        details = Map.copyOf(details);
    }

    public static ComponentHealth up(Map<String, Object> details) {
        return new ComponentHealth(Status.UP, null, details);
    }

    public static ComponentHealth down(String message, Map<String, Object> details) {
        return new ComponentHealth(Status.DOWN, message, details);
    }

    public static ComponentHealth unavailable(String message) {
        return new ComponentHealth(Status.UNAVAILABLE, message, Map.of());
    }
}
