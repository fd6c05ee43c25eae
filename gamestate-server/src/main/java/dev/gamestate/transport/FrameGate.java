package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Every frame the client sends passes here first, right after the frame decoder and before Netty's
 * protocol handler and the fragment aggregator, so that nothing a client sends escapes its limits:
 * <ul>
 *   <li>each ping, pong and continuation fragment takes a token from the connection's
 *       {@link RateLimiter} (a whole request takes its token in {@link WebSocketFrameHandler}); a
 *       refused one is dropped, and enough refusals close the socket with 1008;</li>
 *   <li>a ping is answered through the connection's outbound budget ({@link WsConnection#sendPong}),
 *       never written past it;</li>
 *   <li>a message of more than {@link #MAX_FRAGMENTS} fragments closes the socket with 1009;</li>
 *   <li>a close frame whose code RFC 6455 does not allow on the wire closes it with 1002.</li>
 * </ul>
 * One per channel; on its event loop only.
 */
final class FrameGate extends ChannelInboundHandlerAdapter {

    /** Fragments one message may have (its first frame and its continuations). */
    static final int MAX_FRAGMENTS = 128;

    private final RateLimiter limiter;
    private final TransportMetrics metrics;
    private WsConnection connection;
    private int fragments; // of the message being received; 0 between messages

    FrameGate(RateLimiter limiter, TransportMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** The connection frames are answered on, once the session opened. */
    void attach(WsConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg); // the upgrade request, on its way to the handshake
            return;
        }
        if (connection == null || !connection.accepting()) {
            // Before the session opened (a client that sent frames ahead of the 101) or while it
            // closes: nothing it sends is worth any work.
            ReferenceCountUtil.release(frame);
            return;
        }
        switch (frame) {
            case PingWebSocketFrame ping -> {
                if (granted()) {
                    connection.sendPong(ByteBufUtil.getBytes(ping.content()));
                }
                ping.release();
            }
            case PongWebSocketFrame pong -> {
                granted(); // unsolicited pongs cost a token like any other frame
                pong.release();
            }
            case CloseWebSocketFrame close -> {
                if (close.content().readableBytes() >= 2 && !allowedOnTheWire(close.statusCode())) {
                    close.release();
                    connection.close(CloseCode.PROTOCOL_ERROR);
                    return;
                }
                ctx.fireChannelRead(close); // Netty's protocol handler answers it
            }
            case ContinuationWebSocketFrame continuation -> {
                fragments = continuation.isFinalFragment() ? 0 : fragments + 1;
                if (fragments >= MAX_FRAGMENTS) {
                    continuation.release();
                    connection.close(CloseCode.MESSAGE_TOO_BIG);
                    return;
                }
                granted(); // refused or not, the message goes on; a refused one costs the client its window
                ctx.fireChannelRead(continuation);
            }
            default -> {
                // A text or binary frame: its message takes its token when whole.
                fragments = frame.isFinalFragment() ? 0 : 1;
                ctx.fireChannelRead(frame);
            }
        }
    }

    /** Takes a token for a frame; false when refused, and the socket closed with 1008 if that was abuse. */
    private boolean granted() {
        long now = System.nanoTime();
        if (limiter.acquire(now) == 0) {
            return true;
        }
        metrics.rateLimited();
        if (limiter.abusive(now)) {
            connection.close(CloseCode.POLICY_VIOLATION);
        }
        return false;
    }

    /**
     * The close codes a peer may send (RFC 6455 §7.4): 1000–1003, 1007–1014 and 3000–4999. 1005,
     * 1006 and 1015 are only reported locally, the rest is reserved. Netty's decoder lets 5000 and up
     * through, so they are refused here.
     */
    static boolean allowedOnTheWire(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }
}
