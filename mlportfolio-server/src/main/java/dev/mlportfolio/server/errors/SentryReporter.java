package dev.mlportfolio.server.errors;

import dev.mlportfolio.core.Version;
import io.sentry.Scope;
import io.sentry.SentryClient;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports failures with the official Sentry Java SDK, through a client of its own rather than the
 * SDK's global {@code Sentry.init}: an application that embeds this server keeps its own Sentry
 * set-up untouched, and two servers in one JVM (tests, replicas) do not share one.
 *
 * <p>What is sent: the exception with its stack trace, the environment, the release
 * ({@code mlportfolio@<version>}), the server name and the {@link ErrorTags}. What is not: the SDK's
 * request, user and extra data and breadcrumbs are off and stripped again before sending, so no
 * request body, uploaded image, question text or client address can travel with an event.
 */
public final class SentryReporter implements ErrorReporter {
    private static final Logger LOG = Logger.getLogger(SentryReporter.class.getName());

    private final SentryOptions options;
    private final SentryClient client;

    private SentryReporter(String dsn, String environment) {
        options = new SentryOptions();
        options.setDsn(dsn);
        options.setEnvironment(environment);
        options.setRelease("mlportfolio@" + Version.current());
        options.setTag("version", Version.current());
        options.setSendDefaultPii(false);
        options.setMaxBreadcrumbs(0);
        options.setSendClientReports(false);
        options.setEnableAutoSessionTracking(false);
        options.setEnableUncaughtExceptionHandler(false);
        options.setEnableExternalConfiguration(false); // only SENTRY_DSN, read by the server's settings
        options.setShutdownTimeoutMillis(2_000);
        options.setFlushTimeoutMillis(2_000);
        options.setBeforeSend((event, hint) -> stripped(event));
        client = new SentryClient(options);
    }

    /** Sentry when a DSN is given, otherwise {@link ErrorReporter#NONE}. */
    public static ErrorReporter create(java.util.Optional<String> dsn, String environment) {
        if (dsn.isEmpty()) {
            return NONE;
        }
        SentryReporter reporter = new SentryReporter(dsn.get(), environment);
        LOG.info("errors are reported to Sentry at " + host(dsn.get()) + " (environment " + environment + ")");
        return reporter;
    }

    /**
     * Whether {@code text} has a DSN's form, {@code https://<public key>@<host>/<project id>},
     * checked at start-up so a typo stops the server instead of silently losing every report.
     */
    public static String validDsn(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null ? "" : uri.getPath();
            boolean valid = (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
                    && uri.getUserInfo() != null && !uri.getUserInfo().isBlank()
                    && path.matches("(/[^/]+)*/[^/]+/?");
            return valid ? text : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    public void report(Throwable error, Map<String, String> tags) {
        try {
            Scope scope = new Scope(options);
            tags.forEach((name, value) -> scope.setTag(name, value == null ? "-" : value));
            client.captureEvent(new SentryEvent(error), scope, null);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "reporting to Sentry failed", e); // the failure itself is already logged
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void close() {
        client.flush(options.getFlushTimeoutMillis());
        client.close();
    }

    /** The last guard: whatever an integration may have attached about the request or the user goes. */
    private static SentryEvent stripped(SentryEvent event) {
        event.setRequest(null);
        event.setUser(null);
        event.setBreadcrumbs(null);
        event.setExtras(null);
        return event;
    }

    private static String host(String dsn) {
        try {
            return new URI(dsn).getHost();
        } catch (URISyntaxException e) {
            return "?";
        }
    }
}
