package dev.mlportfolio.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MlflowConnectionTest {
    @Test
    void credentialsInTheUriOrOptionsNeverReachItsTextForms() {
        MlflowConnection inUri = MlflowConnection.of("https://alice:s3cret@mlflow.example.com:8443/");
        assertEquals("https://mlflow.example.com:8443", inUri.displayUri());
        assertEquals("https://alice:s3cret@mlflow.example.com:8443", inUri.trackingUri().toString(), "the client still signs in");
        assertFalse(inUri.toString().contains("s3cret"), inUri.toString());

        MlflowConnection basic = MlflowConnection.of("http://127.0.0.1:5000").withBasicAuth("bob", "hunter2");
        assertEquals("http://127.0.0.1:5000", basic.displayUri());
        assertFalse(basic.toString().contains("hunter2"), basic.toString());
        assertTrue(basic.toString().contains("basic auth"), basic.toString());
    }
}
