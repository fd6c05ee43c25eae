package dev.gamestate.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.gamestate.config.GameConfig;

/**
 * Applies {@code log.level} and {@code log.format} to the Logback set-up of {@code logback.xml}: the
 * level of gamestate's loggers, and for {@code json} a {@link JsonLines} encoder on its console
 * appender in place of the text pattern.
 */
final class LogOutput {

    /** The appender {@code logback.xml} writes every line to (standard output). */
    static final String CONSOLE = "console";

    private LogOutput() {
    }

    /** Sets the level and, for {@code json}, swaps the console appender's encoder. */
    static void apply(LoggerContext context, GameConfig.Log log, String nodeId) {
        context.getLogger("dev.gamestate").setLevel(Level.toLevel(log.level()));
        if (!log.json()) {
            return;
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
        if (appender instanceof OutputStreamAppender<ILoggingEvent> console) {
            // Stopped while the encoder changes: a line logged meanwhile is dropped, never half-written.
            console.stop();
            console.setEncoder(jsonEncoder(context, nodeId));
            console.start();
        } else {
            context.getLogger(LogOutput.class).warn("log.format is json, but the Logback configuration has"
                    + " no appender named '{}' on the root logger, so lines keep its format. Drop"
                    + " -Dlogback.configurationFile, or give that configuration a JsonEncoder yourself", CONSOLE);
        }
    }

    /** A started encoder writing one JSON object per line, each with {@code nodeId}. */
    static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context, String nodeId) {
        JsonLines json = new JsonLines(nodeId);
        json.setContext(context);
        json.start();
        return json;
    }
}
