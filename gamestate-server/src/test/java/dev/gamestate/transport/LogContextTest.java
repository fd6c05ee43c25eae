package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Lines logged for a session carry its id, and the id leaves the thread with the work. */
class LogContextTest {

    private final Logger handlerLog = (Logger) LoggerFactory.getLogger(WebSocketFrameHandler.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void listen() {
        levelBefore = handlerLog.getLevel();
        handlerLog.setLevel(Level.DEBUG);
        lines.start();
        handlerLog.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        handlerLog.detachAppender(lines);
        handlerLog.setLevel(levelBefore);
        MDC.clear();
    }

    @Test
    void aSessionsLinesCarryItsIdAndNoneStaysOnTheEventLoopThread() {
        EmbeddedServer server = new EmbeddedServer();
        EmbeddedClient client = server.connect();
        client.upgrade("/core/game/v1/real-time/public");
        String sessionId = client.awaitType("welcome").path("payload").path("sessionId").asText();
        assertThat(client.ping("1").path("type").asText()).isEqualTo("ack");
        client.channel().close();

        // EmbeddedChannel runs its "event loop" on this thread: what the handler put must be gone.
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.endsWith(" opened")).anyMatch(m -> m.endsWith(" closed"));
        assertThat(lines.list).allSatisfy(line ->
                assertThat(line.getMDCPropertyMap()).containsEntry(LogContext.SESSION_ID, sessionId));
    }

    @Test
    void aRequestScopePutsBackWhatWasThereBefore() {
        EmbeddedServer server = new EmbeddedServer();
        EmbeddedClient client = server.connect();
        client.upgrade("/core/game/v1/real-time/public");
        String userId = client.awaitType("welcome").path("payload").path("userId").asText();
        WsConnection connection = (WsConnection) server.connectionOf(userId);
        MDC.put(LogContext.SESSION_ID, "outer");
        try (LogContext ignored = LogContext.request(connection, "r1")) {
            assertThat(MDC.get(LogContext.SESSION_ID)).isEqualTo(connection.sessionId());
            assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("r1");
            try (LogContext inner = LogContext.request(connection, null)) {
                assertThat(MDC.get(LogContext.REQUEST_ID)).isNull();
            }
            assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("r1");
        }
        assertThat(MDC.get(LogContext.SESSION_ID)).isEqualTo("outer");
        assertThat(MDC.get(LogContext.REQUEST_ID)).isNull();
    }
}
