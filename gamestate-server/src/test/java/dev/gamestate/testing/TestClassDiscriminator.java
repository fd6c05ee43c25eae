package dev.gamestate.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.sift.AbstractDiscriminator;

/**
 * Sorts log lines by the test class that was running when they were logged ({@link TestLogFiles}),
 * as {@code testClass} for the sifting appender of {@code logback-test.xml}.
 */
public final class TestClassDiscriminator extends AbstractDiscriminator<ILoggingEvent> {

    @Override
    public String getDiscriminatingValue(ILoggingEvent event) {
        return TestLogFiles.running();
    }

    @Override
    public String getKey() {
        return "testClass";
    }
}
