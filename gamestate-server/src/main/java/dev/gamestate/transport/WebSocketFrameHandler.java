package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.protocol.ReplyId;
import dev.gamestate.protocol.Welcome;
import dev.gamestate.protocol.WireCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's life after the upgrade: {@code welcome}, requests in, rate limits, token expiry,
 * and telling the services when it opens and closes. One instance per channel.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Everything the handlers of all channels share. */
    record Shared(WireCodec codec, RequestDispatcher dispatcher, SessionRegistry sessions,
                  List<ConnectionListener> listeners, PendingHandshakes handshakes, TransportMetrics metrics,
                  Clock clock, String nodeId, Welcome.Limits limits, int messagesPerSecond, int maxViolations,
                  OutboundLanes lanes, long maxUnsentBytes, Duration expiryNotice) {
    }

    private final Shared shared;
    private final FrameGate gate;
    private final RateLimiter limiter;
    private WsConnection connection;

    /** A handler whose connection is limited by {@code limiter}, shared with its channel's {@code gate}. */
    WebSocketFrameHandler(Shared shared, FrameGate gate, RateLimiter limiter) {
        this.shared = shared;
        this.gate = gate;
        this.limiter = limiter;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete) {
            open(ctx);
        }
        super.userEventTriggered(ctx, event);
    }

    private void open(ChannelHandlerContext ctx) {
        // Taken, not read: what the upgrade needed does not stay on an idle connection.
        Principal principal = Attributes.take(ctx.channel(), Attributes.PRINCIPAL);
        Optional<String> guestToken = Attributes.take(ctx.channel(), Attributes.GUEST_TOKEN);
        GameServerInitializer.upgraded(ctx.pipeline());
        Instant now = shared.clock().instant();
        connection = new WsConnection(newSessionId(), principal, ctx.channel(), shared.metrics(),
                shared.lanes().of(ctx.channel().eventLoop()), shared.maxUnsentBytes());
        connection.onDrained(this::drained);
        gate.attach(connection);
        shared.sessions().add(connection);
        shared.metrics().opened();
        connection.send(shared.codec().welcome(new Welcome(connection.sessionId(), principal.userId(),
                principal.namespace().wire(), shared.nodeId(), WireCodec.TIMESTAMP.format(now), guestToken,
                shared.limits())));
        if (principal.namespace() == Namespace.PRIVATE) {
            // 4001 at the token's expiry, token_expiring before it; a refresh moves both. Ended with the
            // channel (a timer that fires as the socket closes counts no 4001: close() ignores it).
            SessionExpiry.attach(connection, shared.clock(), shared.expiryNotice(), shared.codec()::tokenExpiring,
                    shared.metrics()).arm(principal.expiresAt());
        }
        List<CompletableFuture<Void>> settled = new ArrayList<>(shared.listeners().size());
        try (LogContext ignored = LogContext.session(connection)) {
            LOG.debug("{} opened", connection);
            for (ConnectionListener listener : shared.listeners()) {
                try {
                    settled.add(listener.opening(connection));
                } catch (RuntimeException e) {
                    LOG.error("{} did not set up {}: the session may lack its etcd record or its inbox. A bug:"
                            + " report it with this stack trace", listener.getClass().getSimpleName(), connection, e);
                }
            }
        }
        // The handshake stops counting against server.maxPendingHandshakes once every listener is done.
        CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                .whenComplete((v, error) -> shared.handshakes().finish(ctx.channel()));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (connection == null) {
            return; // frames before the handshake completed cannot happen; ignore defensively
        }
        if (frame instanceof BinaryWebSocketFrame) {
            connection.close(CloseCode.UNSUPPORTED_DATA);
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return; // ping, pong and close are handled by the protocol handler
        }
        shared.metrics().frameIn();
        try (LogContext ignored = LogContext.session(connection)) {
            read(text);
        }
    }

    private void read(TextWebSocketFrame text) {
        if (!connection.accepting()) {
            return; // closing: a request now would get no reply anyway
        }
        long now = System.nanoTime();
        long retryAfter = limiter.acquire(now);
        if (retryAfter > 0) {
            shared.metrics().rateLimited();
            if (limiter.abusive(now)) {
                connection.close(CloseCode.POLICY_VIOLATION);
                return;
            }
            // A refusal costs no JSON parse: the id is read only where clients put it, first.
            ReplyId id = LeadingId.of(text.content()).map(ReplyId::of).orElse(ReplyId.none());
            shared.dispatcher().replyError(connection, id, new GameException(ErrorCode.RATE_LIMITED,
                    "slow down: at most " + shared.messagesPerSecond() + " frames a second", retryAfter));
            return;
        }
        shared.dispatcher().dispatch(connection, text.text());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (connection != null && ctx.channel().isWritable()) {
            drained();
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Tells the services that the connection caught up with what it was sent. */
    private void drained() {
        if (!connection.isOpen()) {
            return;
        }
        try (LogContext ignored = LogContext.session(connection)) {
            for (ConnectionListener listener : shared.listeners()) {
                try {
                    listener.drained(connection);
                } catch (RuntimeException e) {
                    LOG.error("{} failed as {} caught up: its held-back events may not be sent until it resubscribes."
                            + " A bug: report it with this stack trace", listener.getClass().getSimpleName(),
                            connection, e);
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            try (LogContext ignored = LogContext.session(connection)) {
                connection.closed();
                shared.sessions().remove(connection);
                for (ConnectionListener listener : shared.listeners()) {
                    try {
                        listener.closed(connection);
                    } catch (RuntimeException e) {
                        LOG.error("{} failed as {} closed: its etcd records stay until the node's lease ends."
                                + " A bug: report it with this stack trace", listener.getClass().getSimpleName(),
                                connection, e);
                    }
                }
                LOG.debug("{} closed", connection);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection == null) {
            caught(ctx, cause);
            return;
        }
        try (LogContext ignored = LogContext.session(connection)) {
            caught(ctx, cause);
        }
    }

    private void caught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && connection != null) {
            connection.close(CloseCode.MESSAGE_TOO_BIG);
        } else if (cause instanceof DecompressionException inflating) {
            // A compressed message that inflates past limits.maxFrameBytes (a decompression bomb), or
            // one that is not valid deflate data: nothing after it can be read.
            LOG.debug("{} sent a compressed message that cannot be inflated: {}", connection, inflating.getMessage());
            boolean tooBig = String.valueOf(inflating.getMessage()).contains("maximum size");
            if (connection != null) {
                connection.closeNow(tooBig ? CloseCode.MESSAGE_TOO_BIG : CloseCode.PROTOCOL_ERROR);
            } else {
                ctx.close();
            }
        } else if (cause instanceof CorruptedWebSocketFrameException violation) {
            // From the frame decoder or the UTF-8 validator, which discard everything after it; Netty's
            // protocol handler closes the socket as soon as this returns, so the close frame goes now.
            LOG.debug("{} broke the protocol: {}", connection, violation.getMessage());
            if (connection != null) {
                connection.closeNow(closeCodeOf(violation));
            } else {
                ctx.close();
            }
        } else if (cause instanceof PrematureChannelClosureException) {
            // The socket closed in the middle of a fragmented message (the client left, or was closed
            // for abuse): the aggregator drops the part it held; nothing went wrong here.
            LOG.debug("{} closed in the middle of a message", connection);
        } else if (cause instanceof java.io.IOException) {
            // The peer went away or the socket was cut (a slow consumer's pending writes fail this way).
            LOG.debug("{} socket error: {}", connection, cause.toString());
            ctx.close();
        } else if (connection != null) {
            LOG.warn("closing {} with 1011 after an unexpected error; the client may reconnect. Not caused by"
                    + " the client's frames: report it with this stack trace", connection, cause);
            connection.close(CloseCode.INTERNAL_ERROR);
        } else {
            ctx.close();
        }
    }

    /** 1007 for invalid UTF-8, 1009 for a frame too large, 1002 for any other violation. */
    private static CloseCode closeCodeOf(CorruptedWebSocketFrameException violation) {
        return switch (violation.closeStatus().code()) {
            case 1007 -> CloseCode.INVALID_PAYLOAD;
            case 1009 -> CloseCode.MESSAGE_TOO_BIG;
            default -> CloseCode.PROTOCOL_ERROR;
        };
    }

    private static String newSessionId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
