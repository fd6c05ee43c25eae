package dev.gamestate.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names the test class whose log lines are being written, for {@link TestClassDiscriminator}: each
 * test class gets its own {@code target/test-logs/<TestClass>.log}. Registered for every test class
 * through {@code META-INF/services} (autodetection is on in {@code junit-platform.properties}).
 *
 * <p>A name held for the whole JVM rather than an MDC value: the lines that matter come from the
 * server's own threads (event loops, the committer, etcd clients), which never see the test thread's
 * MDC. Test classes run one after another in a test JVM, so the class running is the one to blame.
 */
public final class TestLogFiles implements BeforeAllCallback, AfterAllCallback {

    /** The file for lines logged while no test class runs (start-up, shutdown hooks). */
    static final String OUTSIDE_TESTS = "outside-tests";

    private static volatile String running = OUTSIDE_TESTS;

    /** The simple name of the test class running now, or {@value #OUTSIDE_TESTS}. */
    static String running() {
        return running;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getTestClass().filter(c -> c.getEnclosingClass() == null).isPresent()) {
            running = context.getRequiredTestClass().getSimpleName();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getTestClass().filter(c -> c.getEnclosingClass() == null).isPresent()) {
            running = OUTSIDE_TESTS;
        }
    }
}
