package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Fragmented messages: read whole when reasonable, bounded in count, rate-limited per fragment. */
class FragmentsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PUBLIC = "/core/game/v1/real-time/public";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final byte[] EMPTY = new byte[0];

    static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(ETCD.endpointsCsv());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aRequestSentInAFewFragmentsIsAnsweredLikeAWholeOne() {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");

            raw.sendFrame(false, RawWebSocket.TEXT, utf8("{\"id\":\"frag\","));
            raw.sendFrame(false, RawWebSocket.CONTINUATION, utf8("\"type\":"));
            raw.sendFrame(RawWebSocket.PING, utf8("between"));
            raw.sendFrame(true, RawWebSocket.CONTINUATION, utf8("\"ping\"}"));

            assertThat(raw.readFrame().opcode()).isEqualTo(RawWebSocket.PONG);
            String reply = raw.readFrame().text();
            assertThat(reply).contains("\"type\":\"ack\"").contains("\"id\":\"frag\"");
        }
    }

    @Test
    void aMessageOfMoreFragmentsThanTheBoundIsClosedWith1009() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "100000"); // the rate is not what stops it here
        try (TestNode fast = TestNode.start(env);
             RawWebSocket raw = RawWebSocket.connect(fast.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");
            raw.sendFrame(false, RawWebSocket.TEXT, utf8("{"));

            raw.sendBytes(RawWebSocket.repeat(RawWebSocket.frame(false, RawWebSocket.CONTINUATION, EMPTY),
                    FrameGate.MAX_FRAGMENTS));

            assertThat(raw.awaitCloseCode()).isEqualTo(1009);
            assertThat(raw.serverHungUp()).isTrue();
        }
    }

    @Test
    void connectionsFloodingEmptyContinuationsAreAllClosedWith1008AndAHandshakeStillGoesThrough() {
        double before = node.metric("gamestate_closes_total", "code=\"1008\"");
        byte[] flood = RawWebSocket.repeat(RawWebSocket.frame(false, RawWebSocket.CONTINUATION, EMPTY), 20_000);
        List<RawWebSocket> flooders = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of());
                flooders.add(raw);
                raw.sendFrame(false, RawWebSocket.TEXT, utf8("{"));
                try {
                    raw.sendBytes(flood);
                } catch (UncheckedIOException closedByTheServer) {
                    // closed before the whole flood was written: what the test wants
                }
            }

            try (RawWebSocket late = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
                assertThat(late.readFrame().text()).contains("\"welcome\"");
            }
            await().atMost(WAIT).until(() -> node.metric("gamestate_closes_total", "code=\"1008\"") >= before + 10);
            for (RawWebSocket raw : flooders) {
                assertThat(raw.serverHungUp()).isTrue();
            }
        } finally {
            flooders.forEach(RawWebSocket::close);
        }
    }

    @Test
    void aClientThatDisconnectsInTheMiddleOfAFragmentedMessageLeavesNoWarningAndNo1011() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.gamestate");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        double internalErrors = node.metric("gamestate_closes_total", "code=\"1011\"");
        try {
            try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
                assertThat(raw.readFrame().text()).contains("\"welcome\"");
                raw.sendFrame(false, RawWebSocket.TEXT, utf8("{\"id\":\"half\","));
                raw.sendFrame(false, RawWebSocket.CONTINUATION, utf8("\"type\":"));
            }

            await().atMost(WAIT).until(() -> node.metric("gamestate_sessions", "node=") == 0);
            assertThat(node.metric("gamestate_closes_total", "code=\"1011\"")).isEqualTo(internalErrors);
            assertThat(warnings.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
        } finally {
            logger.detachAppender(warnings);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
