package dev.mlportfolio.server.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code CORS_ALLOWED_ORIGINS}: the web origins whose pages may call the API from a browser. Empty
 * (the default) answers no cross-origin request; {@code *} allows every origin. Origins are
 * compared as browsers send them: scheme, host and a port other than the scheme's default.
 *
 * @param origins the allowed origins in their serialized form, or {@code ["*"]}
 */
public record CorsOrigins(List<String> origins) {
    public static final String ANY = "*";

    public CorsOrigins {
        origins = List.copyOf(origins);
    }

    public static CorsOrigins none() {
        return new CorsOrigins(List.of());
    }

    public boolean enabled() {
        return !origins.isEmpty();
    }

    public boolean any() {
        return origins.equals(List.of(ANY));
    }

    /**
     * @param text {@code *}, or origins such as {@code https://example.com,http://localhost:4200} separated by commas
     * @return the origins, or null when an entry is not an origin (a path, a query, a user, another scheme)
     */
    public static CorsOrigins parse(String text) {
        if (text.strip().equals(ANY)) {
            return new CorsOrigins(List.of(ANY));
        }
        Set<String> origins = new LinkedHashSet<>();
        for (String entry : text.split(",")) {
            String origin = origin(entry.strip());
            if (origin == null) {
                return null;
            }
            origins.add(origin);
        }
        return new CorsOrigins(List.copyOf(origins));
    }

    /** The origin as a browser serializes it in its {@code Origin} header, or null. */
    private static String origin(String entry) {
        if (entry.endsWith("/")) {
            entry = entry.substring(0, entry.length() - 1);
        }
        try {
            URI uri = new URI(entry);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
