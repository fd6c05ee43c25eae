package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket session as the game services see it. Pushes may come from any thread; Netty queues
 * them on the channel's event loop in call order.
 */
final class WsConnection implements Connection {

    /** How long a closing handshake may take before the socket is cut. */
    private static final long CLOSE_GRACE_MS = 2000;

    private final String sessionId;
    private final Principal principal;
    private final Channel channel;
    private final Instant connectedAt;
    private final TransportMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();

    WsConnection(String sessionId, Principal principal, Channel channel, Instant connectedAt, TransportMetrics metrics) {
        this.sessionId = sessionId;
        this.principal = principal;
        this.channel = channel;
        this.connectedAt = connectedAt;
        this.metrics = metrics;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void push(Push push) {
        send(push.utf8());
    }

    /**
     * Queues a text frame. A client whose unsent bytes pass {@code limits.outboundBufferBytes} (the
     * channel's high water mark) is closed with 4008 rather than buffered without bound.
     */
    void send(byte[] utf8) {
        if (closing.get()) {
            return;
        }
        if (!channel.isWritable()) {
            close(CloseCode.SLOW_CONSUMER);
            return;
        }
        metrics.frameOut(utf8.length);
        // wrappedBuffer shares the encoded bytes: one encoding, any number of recipients.
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), channel.voidPromise());
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && channel.isActive();
    }

    /** Sends a close frame with {@code code} and cuts the socket once it is out (or after a grace period). */
    void close(CloseCode code) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        metrics.closed(code);
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                .addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Records that the protocol layer already closed the socket with {@code code} (a frame violation);
     * nothing more is sent.
     */
    void markClosedBy(int code) {
        if (closing.compareAndSet(false, true)) {
            for (CloseCode known : CloseCode.values()) {
                if (known.code() == code) {
                    metrics.closed(known);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "session " + sessionId + " (" + principal.namespace().wire() + "/" + principal.userId() + ")";
    }
}
