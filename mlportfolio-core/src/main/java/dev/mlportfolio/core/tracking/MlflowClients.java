package dev.mlportfolio.core.tracking;

import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;

/** Builds {@link MlflowClient}s that give up on a hung server instead of waiting forever. */
final class MlflowClients {
    private static final Logger LOG = Logger.getLogger(MlflowClients.class.getName());
    private static final int MAX_CONNECTIONS = 8;

    private MlflowClients() {
    }

    static MlflowClient create(MlflowConnection connection) {
        String host = connection.trackingUri().toString();
        BasicMlflowHostCreds creds = connection.username() != null
                ? new BasicMlflowHostCreds(host, connection.username(), connection.password())
                : connection.token() != null ? new BasicMlflowHostCreds(host, connection.token())
                : new BasicMlflowHostCreds(host);
        MlflowClient client = new MlflowClient(creds);
        installTimeouts(client, (int) Math.min(Integer.MAX_VALUE, connection.timeout().toMillis()));
        return client;
    }

    /*
     * mlflow-client 2.17.2 builds its HTTP client with no timeouts and offers no way to pass one in.
     * Its caller only builds a client when the field is still null, so setting the field first makes
     * it use ours. If a later client version renames the fields, calls still work, just without timeouts.
     */
    private static void installTimeouts(MlflowClient client, int timeoutMs) {
        RequestConfig config = RequestConfig.custom()
                .setConnectTimeout(timeoutMs)
                .setSocketTimeout(timeoutMs)
                .setConnectionRequestTimeout(timeoutMs)
                .build();
        CloseableHttpClient http = HttpClientBuilder.create()
                .setDefaultRequestConfig(config)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .build();
        try {
            Field callerField = MlflowClient.class.getDeclaredField("httpCaller");
            callerField.setAccessible(true);
            Object caller = callerField.get(client);
            Field httpField = caller.getClass().getDeclaredField("httpClient");
            httpField.setAccessible(true);
            httpField.set(caller, http);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not set timeouts on the MLflow client; a hung server can stall tracking", e);
            try {
                http.close();
            } catch (java.io.IOException ignored) {
                // nothing was sent on it
            }
        }
    }
}
