package dev.mlportfolio.core.tracking;

import dev.mlportfolio.core.Uris;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an MLflow tracking server is and how to sign in to it.
 *
 * @param trackingUri the server, {@code http://} or {@code https://}
 * @param username basic-auth user ({@code MLFLOW_TRACKING_USERNAME}); null for none
 * @param password basic-auth password ({@code MLFLOW_TRACKING_PASSWORD})
 * @param token    bearer token ({@code MLFLOW_TRACKING_TOKEN}), used when no username is set
 * @param timeout  connect and read timeout of each call, so a hung server cannot stall the writer
 */
public record MlflowConnection(URI trackingUri, String username, String password, String token, Duration timeout) {
    /** Each call's default connect and read timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Checks the connection and drops a trailing slash from the URI.
     *
     * @throws IllegalArgumentException when the URI is not an http(s) server, only one of user and
     *         password is set, or the timeout is not positive
     */
    public MlflowConnection {
        Objects.requireNonNull(trackingUri, "trackingUri");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = trackingUri.getScheme() == null ? "" : trackingUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || trackingUri.getHost() == null) {
            throw new IllegalArgumentException("an MLflow tracking URI must be an http(s) server address such as "
                    + "http://127.0.0.1:5000, not '" + trackingUri + "' (the Java client cannot write to local "
                    + "file or database stores)");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("set both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or neither");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        String text = trackingUri.toString();
        if (text.endsWith("/")) {
            trackingUri = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /**
     * The tracking URI fit for a log line or an answer: without the user and password a URI such
     * as {@code https://user:token@mlflow.example.com} may carry.
     *
     * @return the URI without credentials
     */
    public String displayUri() {
        return Uris.withoutCredentials(trackingUri);
    }

    /**
     * A server without sign-in, with the default timeout.
     *
     * @param trackingUri for example {@code http://127.0.0.1:5000}
     * @return the connection
     */
    public static MlflowConnection of(String trackingUri) {
        return new MlflowConnection(URI.create(trackingUri.strip()), null, null, null, DEFAULT_TIMEOUT);
    }

    /**
     * A copy that signs in with basic authentication.
     *
     * @param user   the user name
     * @param secret the password
     * @return the new connection
     */
    public MlflowConnection withBasicAuth(String user, String secret) {
        return new MlflowConnection(trackingUri, user, secret, token, timeout);
    }

    /**
     * A copy that signs in with a bearer token (when no user name is set).
     *
     * @param value the token
     * @return the new connection
     */
    public MlflowConnection withToken(String value) {
        return new MlflowConnection(trackingUri, username, password, value, timeout);
    }

    /**
     * A copy with another timeout per call.
     *
     * @param value the timeout, positive
     * @return the new connection
     */
    public MlflowConnection withTimeout(Duration value) {
        return new MlflowConnection(trackingUri, username, password, token, value);
    }

    /** {@return the {@code Authorization} header value, or null} */
    String authorization() {
        if (username != null) {
            return "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return token != null ? "Bearer " + token : null;
    }

    /**
     * Says where, never with what (the record's own toString would print the password and token).
     *
     * @return the URI without credentials and the kind of sign-in
     */
    @Override
    public String toString() {
        return "MlflowConnection[" + displayUri() + (username != null ? ", basic auth" : token != null ? ", token" : "")
                + ", timeout " + timeout + "]";
    }
}
