package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** {@code log.format}: text by default, and JSON lines an operator's collector can parse. */
class LogOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> REQUIRED = Map.of(
            "GAMESTATE_ETCD_ENDPOINTS", "http://127.0.0.1:2379",
            "GAMESTATE_AUTH_JWT_HMAC_SECRET", "log-output-test-jwt-secret-0123456789abcdef",
            "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "log-output-test-guest-secret-0123456789abcdef");

    private final LoggerContext context = new LoggerContext();

    @BeforeEach
    void start() {
        context.setMDCAdapter(MDC.getMDCAdapter()); // the one MDC puts to
        context.start();
    }

    @AfterEach
    void stop() {
        MDC.clear();
        context.stop();
    }

    @Test
    void eachJsonLineParsesAndCarriesTheNodeTheSessionAndTheRequest() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(LogOutput.jsonEncoder(context, "node-7"));
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("dev.gamestate.transport.RequestDispatcher");
        logger.addAppender(appender);

        MDC.put("sessionId", "s-1");
        MDC.put("requestId", "r-\"9\"");
        logger.warn("request {} of {} failed", "r-9", "session s-1", new IllegalStateException("boom\nline two"));
        MDC.clear();
        logger.info("lease {} renewed", "1f");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(2);
        JsonNode warn = lines.get(0);
        assertThat(warn.path("level").asText()).isEqualTo("WARN");
        assertThat(warn.path("loggerName").asText()).isEqualTo("dev.gamestate.transport.RequestDispatcher");
        assertThat(warn.path("formattedMessage").asText()).isEqualTo("request r-9 of session s-1 failed");
        assertThat(warn.path("nodeId").asText()).isEqualTo("node-7");
        assertThat(warn.path("mdc").path("sessionId").asText()).isEqualTo("s-1");
        assertThat(warn.path("mdc").path("requestId").asText()).isEqualTo("r-\"9\"");
        assertThat(warn.path("timestamp").asLong()).isPositive();
        assertThat(warn.path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(warn.path("throwable").path("message").asText()).isEqualTo("boom\nline two");

        JsonNode info = lines.get(1);
        assertThat(info.path("formattedMessage").asText()).isEqualTo("lease 1f renewed");
        assertThat(info.path("nodeId").asText()).isEqualTo("node-7");
        assertThat(info.path("mdc").path("sessionId").isMissingNode()).as("no session outside its work").isTrue();
    }

    @Test
    void textIsTheDefaultAndJsonSwapsTheConsoleEncoder() throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogOutput.class.getResource("/logback.xml")); // the shipped one, not the tests'
        GameConfig defaults = ConfigSource.load(Optional.empty(), REQUIRED).bind();
        assertThat(defaults.log().format()).isEqualTo("text");

        LogOutput.apply(context, defaults.log(), "node-1");
        assertThat(console().getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
        assertThat(context.getLogger("dev.gamestate").getLevel().levelStr).isEqualTo("INFO");

        LogOutput.apply(context, new GameConfig.Log("debug", "json"), "node-1");
        assertThat(console().getEncoder()).isInstanceOf(JsonLines.class);
        assertThat(console().isStarted()).isTrue();
        assertThat(context.getLogger("dev.gamestate").getLevel().levelStr).isEqualTo("DEBUG");
    }

    @Test
    void jsonWithoutTheConsoleAppenderSaysSoInsteadOfFailingQuietly() {
        ListAppender<ILoggingEvent> other = new ListAppender<>();
        other.setContext(context);
        other.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(other);

        LogOutput.apply(context, new GameConfig.Log("INFO", "json"), "node-1");

        assertThat(other.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel().levelStr).isEqualTo("WARN");
            assertThat(line.getFormattedMessage()).contains("no appender named 'console'");
        });
    }

    private OutputStreamAppender<ILoggingEvent> console() {
        return (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender(LogOutput.CONSOLE);
    }
}
