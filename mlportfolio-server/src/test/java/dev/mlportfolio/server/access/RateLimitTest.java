package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void readsTheUsualForms() {
        assertEquals(new RateLimit(30, Duration.ofMinutes(1)), RateLimit.parse("30/min"));
        assertEquals(new RateLimit(5, Duration.ofSeconds(1)), RateLimit.parse("5/s"));
        assertEquals(new RateLimit(10, Duration.ofSeconds(15)), RateLimit.parse("10/15s"));
        assertEquals(new RateLimit(1000, Duration.ofHours(1)), RateLimit.parse(" 1000 / hour "));
        assertEquals(new RateLimit(500, Duration.ofDays(1)), RateLimit.parse("500/DAY"));
    }

    @Test
    void refusesOtherForms() {
        for (String text : new String[] {"0/min", "30", "30/0s", "30/fortnight", "-1/s", "1.5/s", "/min", "30/min/s"}) {
            assertNull(RateLimit.parse(text), text);
        }
    }

    @Test
    void aBucketGivesItsBurstThenRefusesWithTheWait() {
        try (RateLimiter limiter = RateLimiter.local(Map.of(RateGroup.RAG, new RateLimit(3, Duration.ofMinutes(1))))) {
            for (int left = 2; left >= 0; left--) {
                RateLimiter.Decision d = limiter.take(RateGroup.RAG, "ip:a").orElseThrow();
                assertTrue(d.allowed());
                assertEquals(left, d.remaining());
            }
            RateLimiter.Decision refused = limiter.take(RateGroup.RAG, "ip:a").orElseThrow();
            assertFalse(refused.allowed());
            // one of three requests comes back every 20 s
            assertTrue(refused.retryAfterSeconds() >= 19 && refused.retryAfterSeconds() <= 20, "wait " + refused.retryAfterSeconds());
            assertTrue(limiter.take(RateGroup.RAG, "ip:b").orElseThrow().allowed(), "another client has its own bucket");
            assertTrue(limiter.take(RateGroup.IMAGES, "ip:a").isEmpty(), "a group without a limit is not counted");
        }
    }
}
