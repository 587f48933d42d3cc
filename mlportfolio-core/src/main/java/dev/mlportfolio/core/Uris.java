package dev.mlportfolio.core;

import java.net.URI;

/** URIs fit for a log line, a health answer or an error message. */
public final class Uris {
    private Uris() {
    }

    /**
     * The URI without the user and password it may carry ({@code https://user:token@mlflow.example.com},
     * {@code redis://app:secret@redis:6379/0}): where, never with what.
     *
     * @param uri the URI
     * @return its text without the user information
     */
    public static String withoutCredentials(URI uri) {
        String user = uri.getRawUserInfo();
        return user == null ? uri.toString() : uri.toString().replace(user + "@", "");
    }
}
