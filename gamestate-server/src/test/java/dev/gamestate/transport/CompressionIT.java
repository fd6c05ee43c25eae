package dev.gamestate.transport;

import static dev.gamestate.testing.PerMessageDeflate.deflate;
import static dev.gamestate.testing.PerMessageDeflate.inflate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server.compression}: permessage-deflate for the clients that offer it, read and written on a
 * raw socket so the test sees the frames' RSV1 bit and the deflated bytes themselves.
 */
class CompressionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC = "/core/game/v1/real-time/public";
    private static final Map<String, String> OFFER = Map.of("Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits");

    static TestNode compressing;
    static TestNode plain;

    @BeforeAll
    static void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST", "true");
        env.put("GAMESTATE_SERVER_COMPRESSION", "true");
        compressing = TestNode.start(env);
        Map<String, String> off = TestNode.baseEnv(ETCD.endpointsCsv());
        plain = TestNode.start(off);
    }

    @AfterAll
    static void stopNodes() {
        compressing.close();
        plain.close();
    }

    @Test
    void aClientThatOffersDeflateGetsRoomEventsCompressedOnceForEveryone() throws Exception {
        try (RawWebSocket alice = RawWebSocket.connect(compressing.port(), PUBLIC, OFFER);
             RawWebSocket bob = RawWebSocket.connect(compressing.port(), PUBLIC, OFFER);
             RawWebSocket carol = RawWebSocket.connect(compressing.port(), PUBLIC, Map.of())) {
            assertThat(alice.upgrade().headers().get("sec-websocket-extensions")).startsWith("permessage-deflate");
            assertThat(carol.upgrade().headers()).doesNotContainKey("sec-websocket-extensions");
            for (RawWebSocket client : new RawWebSocket[] {alice, bob, carol}) {
                assertThat(text(client.readFrame())).contains("\"welcome\"");
                client.sendTextBytes(bytes("{\"id\":\"s\",\"type\":\"subscribe\",\"payload\":{\"room\":\"deflated\"}}"));
                assertThat(text(client.readFrame())).contains("\"ack\"");
            }
            String words = "the quick brown fox jumps over the lazy dog ".repeat(20);
            alice.sendTextBytes(bytes("{\"id\":\"b\",\"type\":\"core.game.state.broadcast\",\"payload\":"
                    + "{\"room\":\"deflated\",\"data\":{\"say\":\"" + words + "\"}}}"));

            RawWebSocket.Frame toBob = nextEvent(bob);
            RawWebSocket.Frame toCarol = nextEvent(carol);
            assertThat(toBob.compressed()).isTrue();
            assertThat(toCarol.compressed()).isFalse();
            assertThat(toBob.payload().length).as("deflated bytes").isLessThan(toCarol.payload().length / 4);
            JsonNode event = JSON.readTree(inflate(toBob.payload()));
            assertThat(event).isEqualTo(JSON.readTree(toCarol.payload()));
            assertThat(event.path("payload").path("data").path("say").asText()).isEqualTo(words);
            // Each message is compressed on its own: the next one inflates without the first.
            alice.sendTextBytes(bytes("{\"id\":\"c\",\"type\":\"core.game.state.broadcast\",\"payload\":"
                    + "{\"room\":\"deflated\",\"data\":{\"say\":\"" + words + "!\"}}}"));
            assertThat(JSON.readTree(inflate(nextEvent(bob).payload())).path("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aCompressedRequestIsInflatedAndAnswered() throws Exception {
        try (RawWebSocket dave = RawWebSocket.connect(compressing.port(), PUBLIC, OFFER)) {
            assertThat(text(dave.readFrame())).contains("\"welcome\"");
            dave.sendBytes(RawWebSocket.frame(true, true, RawWebSocket.TEXT,
                    deflate(bytes("{\"id\":\"p\",\"type\":\"ping\",\"payload\":{}}"))));
            assertThat(text(dave.readFrame())).contains("\"ack\"").contains("\"id\":\"p\"");
        }
    }

    @Test
    void aDecompressionBombIsClosedWith1009() {
        try (RawWebSocket eve = RawWebSocket.connect(compressing.port(), PUBLIC, OFFER)) {
            assertThat(text(eve.readFrame())).contains("\"welcome\"");
            // 8 MiB of spaces inside a JSON string deflate to a few KiB, far under limits.maxFrameBytes.
            byte[] bomb = deflate(bytes("{\"id\":\"x\",\"type\":\"ping\",\"payload\":{\"pad\":\"" + " ".repeat(8 << 20) + "\"}}"));
            assertThat(bomb.length).isLessThan(64 * 1024);
            eve.sendBytes(RawWebSocket.frame(true, true, RawWebSocket.TEXT, bomb));
            RawWebSocket.Frame close = eve.readFrame();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void withCompressionOffTheOfferIsDeclinedAndACompressedFrameIsAProtocolError() {
        try (RawWebSocket frank = RawWebSocket.connect(plain.port(), PUBLIC, OFFER)) {
            assertThat(frank.upgrade().headers()).doesNotContainKey("sec-websocket-extensions");
            assertThat(text(frank.readFrame())).contains("\"welcome\"");
            frank.sendBytes(RawWebSocket.frame(true, true, RawWebSocket.TEXT, deflate(bytes("{\"id\":\"p\",\"type\":\"ping\"}"))));
            RawWebSocket.Frame close = frank.readFrame();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1002);
        }
    }

    private static RawWebSocket.Frame nextEvent(RawWebSocket client) {
        while (true) {
            RawWebSocket.Frame frame = client.readFrame();
            if (frame.opcode() == RawWebSocket.TEXT) {
                String text = text(frame);
                if (text.contains("\"core.game.state.broadcast\"") && text.contains("\"seq\"")) {
                    return frame;
                }
            }
        }
    }

    private static String text(RawWebSocket.Frame frame) {
        return frame.compressed() ? new String(inflate(frame.payload()), StandardCharsets.UTF_8) : frame.text();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
