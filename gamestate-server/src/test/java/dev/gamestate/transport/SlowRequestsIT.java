package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A request must arrive whole within server.handshakeTimeout, however slowly its bytes trickle in. */
class SlowRequestsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final byte[] REQUEST = ("GET /core/game/v1/real-time/public HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    private static final int SLOW_CLIENTS = 24;
    private static final int MAX_PENDING = 16;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration GIVE_UP = Duration.ofSeconds(20);

    /** A client sending its upgrade request a byte at a time. */
    private static final class SlowClient {
        final SocketChannel socket;
        final long openedNanos = System.nanoTime();
        int sent;
        long closedNanos;

        SlowClient(int port) throws IOException {
            socket = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.configureBlocking(false);
        }

        /** Sends the next byte (never the last: the request stays unfinished); false once closed by the server. */
        boolean trickle() {
            try {
                if (socket.read(ByteBuffer.allocate(256)) < 0) {
                    return false;
                }
                if (sent < REQUEST.length - 1) {
                    socket.write(ByteBuffer.wrap(REQUEST, sent, 1));
                    sent++;
                }
                return true;
            } catch (IOException reset) {
                return false;
            }
        }
    }

    @Test
    void slowByteClientsAreClosedAfterTheTimeoutWithinTheHandshakeBoundWhileANormalClientConnects() throws IOException {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_HANDSHAKE_TIMEOUT", TIMEOUT.toMillis() + "ms");
        env.put("GAMESTATE_SERVER_MAX_PENDING_HANDSHAKES", Integer.toString(MAX_PENDING));
        List<SlowClient> slow = new ArrayList<>();
        try (TestNode node = TestNode.start(env)) {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(new SlowClient(node.port()));
            }
            slow.forEach(SlowClient::trickle);
            double peakPending = node.metric("gamestate_handshakes_pending", "node=");

            // Its request waits for one of the slots the slow clients hold, freed by their timeout.
            try (WsClient normal = WsClient.connect(node.publicWs(), Map.of())) {
                assertThat(normal.awaitType("welcome").path("payload").path("userId").asText()).startsWith("guest-");
            }

            long giveUp = System.nanoTime() + GIVE_UP.toNanos();
            List<SlowClient> open = new ArrayList<>(slow);
            while (!open.isEmpty() && System.nanoTime() < giveUp) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // the trickle's pace
                open.removeIf(client -> {
                    if (client.trickle()) {
                        return false;
                    }
                    client.closedNanos = System.nanoTime();
                    return true;
                });
                peakPending = Math.max(peakPending, node.metric("gamestate_handshakes_pending", "node="));
            }

            assertThat(open).as("slow clients still open after %s", GIVE_UP).isEmpty();
            for (SlowClient client : slow) {
                assertThat(Duration.ofNanos(client.closedNanos - client.openedNanos))
                        .as("time until closed").isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
            }
            assertThat(peakPending).as("pending handshakes").isLessThanOrEqualTo(MAX_PENDING);
            assertThat(node.metric("gamestate_requests_timed_out_total", "node=")).isGreaterThanOrEqualTo(SLOW_CLIENTS);
        } finally {
            for (SlowClient client : slow) {
                try {
                    client.socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
