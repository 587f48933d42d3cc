package dev.mlportfolio.server.health;

import java.util.function.Supplier;

/** A part of the server that reports its own state to {@code /health}. Checks must be cheap: no inference. */
public interface HealthContributor {
    /** The key under {@code services}, e.g. {@code cutler}. */
    String name();

    /** Whether the server cannot serve when this part is down (only then does {@code /health} answer 503). */
    default boolean required() {
        return false;
    }

    ComponentHealth check();

    /** An optional part whose state {@code check} reports. */
    static HealthContributor of(String name, Supplier<ComponentHealth> check) {
        return new HealthContributor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ComponentHealth check() {
                return check.get();
            }
        };
    }

    /** A part that is not available, with the reason; it never changes. */
    static HealthContributor unavailable(String name, String message) {
        ComponentHealth health = ComponentHealth.unavailable(message);
        return of(name, () -> health);
    }
}
