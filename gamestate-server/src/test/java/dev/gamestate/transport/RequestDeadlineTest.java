package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The request deadline ({@code server.handshakeTimeout}, 5 s here) on the embedded pipeline: a
 * connection that has not sent a whole request in time is closed unanswered, and gives its
 * pending-handshake slot back.
 */
class RequestDeadlineTest {

    private static final long TIMEOUT_MS = 5000;

    private final EmbeddedServer server = new EmbeddedServer();

    @Test
    void aConnectionThatSendsNothingIsClosedUnansweredAtTheDeadline() {
        try (EmbeddedClient client = server.connect()) {
            client.advance(TIMEOUT_MS - 1);
            assertThat(client.isOpen()).isTrue();

            client.advance(1);

            assertThat(client.isOpen()).isFalse();
            assertThat(client.response()).isNull();
            assertThat(server.pendingHandshakes()).isZero();
        }
    }

    @Test
    void aRequestSentByteByByteThatIsNotWholeByTheDeadlineIsClosedUnanswered() {
        try (EmbeddedClient client = server.connect()) {
            byte[] partial = "GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte b : partial) {
                client.sendBytes(Unpooled.wrappedBuffer(new byte[] {b}));
                client.advance(100);
            }
            assertThat(client.isOpen()).as("3.2 s in").isTrue();

            client.advance(TIMEOUT_MS);

            assertThat(client.isOpen()).isFalse();
            assertThat(client.response()).isNull();
        }
    }

    @Test
    void aKeptAliveConnectionGetsTheSameTimeAgainAfterEachAnswer() {
        try (EmbeddedClient client = server.connect()) {
            client.advance(TIMEOUT_MS - 1000);
            assertThat(client.request(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"))
                    .status()).isEqualTo(HttpResponseStatus.OK);

            client.advance(TIMEOUT_MS - 1);
            assertThat(client.isOpen()).as("the deadline counts from the answer").isTrue();
            client.advance(1);
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void anUpgradedConnectionHasNoDeadline() {
        try (EmbeddedClient client = server.guest()) {
            client.advance(10 * TIMEOUT_MS);

            assertThat(client.isOpen()).isTrue();
            assertThat(client.ping("1").path("type").asText()).isEqualTo("ack");
        }
    }
}
