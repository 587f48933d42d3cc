package dev.mlportfolio.server.access;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code requests} per {@code period} from one client: a token bucket that holds
 * {@code requests} tokens (the burst a quiet client may spend at once) and refills evenly over the
 * period, so a client that keeps sending is held to the average rate.
 */
public record RateLimit(long requests, Duration period) {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})\\s*/\\s*([0-9]{0,6})\\s*([a-z]+)");

    public RateLimit {
        if (requests < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate limit needs at least one request per positive period");
        }
    }

    /**
     * Reads {@code 30/min}, {@code 5/s}, {@code 1000/h}, {@code 10/15s} or {@code 500/day}.
     *
     * @return the limit, or null when the text has another form
     */
    public static RateLimit parse(String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long requests = Long.parseLong(m.group(1));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3)) {
            case "s", "sec", "second", "seconds" -> Duration.ofSeconds(1);
            case "m", "min", "minute", "minutes" -> Duration.ofMinutes(1);
            case "h", "hour", "hours" -> Duration.ofHours(1);
            case "d", "day", "days" -> Duration.ofDays(1);
            default -> null;
        };
        if (unit == null || requests < 1 || count < 1) {
            return null;
        }
        return new RateLimit(requests, unit.multipliedBy(count));
    }

    @Override
    public String toString() {
        return requests + "/" + period.toSeconds() + "s";
    }
}
