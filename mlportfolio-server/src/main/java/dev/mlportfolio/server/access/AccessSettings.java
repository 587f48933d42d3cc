package dev.mlportfolio.server.access;

import java.util.List;
import java.util.Map;

/**
 * Who may call what, and how often: {@code API_KEYS}, {@code TRUSTED_PROXIES} and the
 * {@code RATE_LIMIT_*} settings. Every part is off when unset.
 *
 * @param rateLimits the limit of each group that has one; a group without an entry is not limited
 */
public record AccessSettings(ApiKeys apiKeys, List<IpRange> trustedProxies, Map<RateGroup, RateLimit> rateLimits) {

    public AccessSettings {
        trustedProxies = List.copyOf(trustedProxies);
        rateLimits = Map.copyOf(rateLimits);
    }

    public static AccessSettings defaults() {
        return new AccessSettings(ApiKeys.none(), List.of(), Map.of());
    }

    /** @return the ranges, or null when one entry is neither an IP literal nor a CIDR block */
    public static List<IpRange> parseRanges(String text) {
        List<IpRange> ranges = new java.util.ArrayList<>();
        for (String entry : text.split(",")) {
            IpRange range = IpRange.parse(entry);
            if (range == null) {
                return null;
            }
            ranges.add(range);
        }
        return ranges;
    }
}
