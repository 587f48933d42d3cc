package dev.mlportfolio.server.access;

import java.util.Optional;

/**
 * What a route asks of its callers, declared where the route is registered. Routes need an API key
 * (when {@code API_KEYS} is set) unless they are declared {@link #PUBLIC}, so a new route is
 * protected until someone decides otherwise.
 *
 * @param needsKey whether a valid key is required while keys are configured
 * @param budget   the per-client rate limit the route's requests count against, if any
 */
public record Access(boolean needsKey, Optional<RateGroup> budget) {
    /** Open to anyone: health checks, the index of routes. */
    public static final Access PUBLIC = new Access(false, Optional.empty());
    /** Needs a key while keys are configured; no rate limit of its own. */
    public static final Access KEYED = new Access(true, Optional.empty());

    /** Needs a key while keys are configured, and counts against the caller's budget for {@code group}. */
    public static Access limited(RateGroup group) {
        return new Access(true, Optional.of(group));
    }
}
