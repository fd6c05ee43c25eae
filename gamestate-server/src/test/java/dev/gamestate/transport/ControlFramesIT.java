package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pings, pongs and close frames are held to the connection's limits like requests: rate-limited,
 * answered within the outbound budget, and checked against RFC 6455.
 */
class ControlFramesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PUBLIC = "/core/game/v1/real-time/public";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** How long a flood may go on before the test gives up on the server closing it. */
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(10);

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
    void aPingIsAnsweredWithAPongCarryingItsPayload() {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");

            raw.sendFrame(RawWebSocket.PING, "are you there".getBytes(StandardCharsets.UTF_8));

            RawWebSocket.Frame pong = raw.readFrame();
            assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
            assertThat(pong.text()).isEqualTo("are you there");
        }
    }

    @Test
    void aClientFloodingPingsWithoutReadingIsClosedWith1008() {
        double before = node.metric("gamestate_closes_total", "code=\"1008\"");
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of(), 4096)) {
            byte[] burst = RawWebSocket.repeat(RawWebSocket.frame(true, RawWebSocket.PING, new byte[0]), 10_000);

            int sent = flood(raw, burst, 10_000, 2_000_000);

            await().atMost(WAIT).until(() -> node.metric("gamestate_closes_total", "code=\"1008\"") > before);
            assertThat(sent).as("pings sent before the server closed").isLessThan(2_000_000);
            assertThat(raw.serverHungUp()).isTrue();
        }
    }

    @Test
    void pongsCountAgainstTheOutboundBudgetSoAPingerThatNeverReadsIsClosedWith4008() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "100000"); // the rate is not what stops it here
        env.put("GAMESTATE_LIMITS_MAX_VIOLATIONS", "1000000");
        env.put("GAMESTATE_LIMITS_OUTBOUND_BUFFER_BYTES", "16384");
        try (TestNode small = TestNode.start(env);
             RawWebSocket raw = RawWebSocket.connect(small.port(), PUBLIC, Map.of(), 4096)) {
            byte[] burst = RawWebSocket.repeat(RawWebSocket.frame(true, RawWebSocket.PING, new byte[125]), 500);

            int sent = flood(raw, burst, 500, 1_000_000);

            await().atMost(WAIT).until(() -> small.metric("gamestate_closes_total", "code=\"4008\"") == 1);
            assertThat(sent).isLessThan(1_000_000);
            await().atMost(WAIT).until(() -> small.metric("gamestate_sessions", "node=") == 0);
        }
    }

    @Test
    void aFloodOfUnsolicitedPongsIsRateLimitedToo() {
        double before = node.metric("gamestate_closes_total", "code=\"1008\"");
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            byte[] burst = RawWebSocket.repeat(RawWebSocket.frame(true, RawWebSocket.PONG, new byte[0]), 1_000);

            flood(raw, burst, 1_000, 1_000_000);

            await().atMost(WAIT).until(() -> node.metric("gamestate_closes_total", "code=\"1008\"") > before);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 65535})
    void aCloseFrameWithACodeNotAllowedOnTheWireIsAnsweredWith1002(int code) {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");

            raw.sendFrame(RawWebSocket.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});

            assertThat(raw.awaitCloseCode()).isEqualTo(1002);
            assertThat(raw.serverHungUp()).isTrue();
        }
    }

    @Test
    void aCloseFrameWithAReasonOfInvalidUtf8IsAnsweredWith1007() {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");

            raw.sendFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, 0x28});

            assertThat(raw.awaitCloseCode()).isEqualTo(1007);
            assertThat(raw.serverHungUp()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 3000, 4999})
    void aCloseFrameWithAnAllowedCodeIsEchoed(int code) {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.write(code >>> 8);
            payload.write(code & 0xFF);
            payload.writeBytes("bye".getBytes(StandardCharsets.UTF_8));

            raw.sendFrame(RawWebSocket.CLOSE, payload.toByteArray());

            assertThat(raw.awaitCloseCode()).isEqualTo(code);
        }
    }

    /**
     * Sends {@code burst} (of {@code framesPerBurst} frames) until the server closes the connection,
     * {@code maxFrames} are sent or {@link #FLOOD_LIMIT} passed; returns the frames sent.
     */
    private static int flood(RawWebSocket raw, byte[] burst, int framesPerBurst, int maxFrames) {
        long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
        int sent = 0;
        while (sent < maxFrames && System.nanoTime() < deadline) {
            try {
                raw.sendBytes(burst);
            } catch (UncheckedIOException closedByTheServer) {
                break;
            }
            sent += framesPerBurst;
        }
        return sent;
    }
}
