package dev.mlportfolio.core.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * When a class's {@code @BeforeAll} skips (a component such as MLflow, Redis or chromium is
 * missing), every test of the class is reported as skipped with that reason. Without it the
 * platform marks only the class as aborted and Maven's report says "Tests run: 0, Skipped: 0",
 * as if the class had no tests. A failure in {@code @BeforeAll} (a required component missing
 * under {@code scripts/test.sh}) is not touched: the class still fails.
 */
public final class SkipEachTest implements LifecycleMethodExecutionExceptionHandler, BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SkipEachTest.class);

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (!(thrown instanceof TestAbortedException)) {
            throw thrown;
        }
        context.getStore(NAMESPACE).put("skipped", thrown.getMessage());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // The test's own context; the class's store is its parent's.
        String reason = context.getParent().map(c -> c.getStore(NAMESPACE).get("skipped", String.class)).orElse(null);
        if (reason != null) {
            throw new TestAbortedException(reason);
        }
    }

    /**
     * Runs a set-up that JUnit does not run itself (Helidon's {@code @SetUpServer}, whose skip
     * would surface as an error) and returns why it skipped, or null; the class then skips each
     * test with {@code assumeTrue(reason == null, reason)} in a {@code @BeforeEach}.
     */
    public static String skipReason(Runnable setUp) {
        try {
            setUp.run();
            return null;
        } catch (TestAbortedException e) {
            return e.getMessage();
        }
    }
}
