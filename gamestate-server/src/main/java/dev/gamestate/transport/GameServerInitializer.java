package dev.gamestate.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.time.Duration;

/**
 * The whole pipeline in one place:
 * <pre>
 * HttpServerCodec → HttpObjectAggregator → RequestDeadline (server.handshakeTimeout; a pending-handshake slot)
 *   → HttpRouter (upgrade gate, ops, admin)
 *   → FrameGate (every frame's rate, pongs within the outbound budget, fragment count, close codes)
 *   → [server.compression: DeflateNegotiated, Netty's permessage-deflate extension handler]
 *   → WebSocketServerProtocolHandler (handshake, close handshake, UTF-8 check)
 *   → WebSocketFrameAggregator (fragments, bounded by limits.maxFrameBytes)
 *   → WebSocketFrameHandler (one per connection)
 * </pre>
 * Once upgraded, only the WebSocket handlers stay: Netty's handshaker swaps the HTTP codec for its
 * frame decoder and encoder and drops the aggregator, and {@link #upgraded} drops the deadline and the
 * router.
 *
 * <p>Any channel type will do: the server's sockets, or an {@code EmbeddedChannel} in the handler tests.
 */
final class GameServerInitializer extends ChannelInitializer<Channel> {

    /** HTTP bodies (admin API) and upgrade requests are small; bound what is buffered. */
    private static final int MAX_HTTP_BODY = 2 * 1024 * 1024;
    /** The longest request line read (method, path and query: a token in the query counts). */
    static final int MAX_REQUEST_LINE = 8192;
    /** The most header bytes a request may carry. */
    static final int MAX_HEADER_BYTES = 8192;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final String ROUTER = "router";

    private static final String DEADLINE = "request-deadline";
    private static final String DEFLATE_NEGOTIATED = "deflate-negotiated";

    private final HttpRouter router;
    private final WebSocketFrameHandler.Shared shared;
    private final WebSocketServerProtocolConfig wsConfig;
    private final int maxFrameBytes;
    private final long requestTimeoutNanos;
    private final boolean compression;

    GameServerInitializer(HttpRouter router, WebSocketFrameHandler.Shared shared, int maxFrameBytes,
                          Duration requestTimeout) {
        this(router, shared, maxFrameBytes, requestTimeout, false);
    }

    /** As above; with {@code compression}, permessage-deflate for clients that offer it. */
    GameServerInitializer(HttpRouter router, WebSocketFrameHandler.Shared shared, int maxFrameBytes,
                          Duration requestTimeout, boolean compression) {
        this.router = router;
        this.compression = compression;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.shared = shared;
        this.maxFrameBytes = maxFrameBytes;
        this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/core/game/v1/real-time") // startsWith + next char "/": both endpoints
                .checkStartsWith(true)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                // Every close frame the server sends is one it chose: no default 1000 on a plain close
                // (it would answer a malformed close frame with 1000, where RFC 6455 wants 1002/1007).
                .sendCloseFrame(null)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxFrameBytes)
                        .allowExtensions(compression) // RSV1 marks a compressed message
                        .withUTF8Validator(true)
                        // Violations are answered by WebSocketFrameHandler, with the violation's code.
                        .closeOnProtocolViolation(false)
                        .build())
                .build();
    }

    /**
     * Drops what only plain HTTP needs from an upgraded pipeline (the router), so an idle connection
     * keeps no handler it will not use. On the channel's event loop.
     */
    static void upgraded(ChannelPipeline pipeline) {
        if (pipeline.get(ROUTER) != null) {
            pipeline.remove(ROUTER);
        }
        if (pipeline.get(DEADLINE) != null) {
            pipeline.remove(DEADLINE);
        }
        if (pipeline.get(DEFLATE_NEGOTIATED) != null) {
            pipeline.remove(DEFLATE_NEGOTIATED);
        }
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES)));
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_BODY));
        p.addLast(DEADLINE, new RequestDeadline(requestTimeoutNanos, shared.handshakes(), shared.metrics()));
        p.addLast(ROUTER, router);
        RateLimiter limiter = new RateLimiter(shared.messagesPerSecond(), shared.maxViolations(), System.nanoTime());
        FrameGate gate = new FrameGate(limiter, shared.metrics());
        p.addLast("frame-gate", gate);
        if (compression) {
            // Frames are rated and counted (gate) before they are inflated. A compressed message may
            // inflate to at most maxFrameBytes per frame (past it: 1009), the aggregator bounds the
            // message. Every message the server sends is compressed on its own (MessageDeflater), so it may also promise no context takeover.
            p.addLast(DEFLATE_NEGOTIATED, DeflateNegotiated.INSTANCE);
            p.addLast("ws-extensions", new WebSocketServerExtensionHandler(
                    new PerMessageDeflateServerExtensionHandshaker(6, false, 15, true, false, maxFrameBytes)));
        }
        p.addLast("websocket", new WebSocketServerProtocolHandler(wsConfig));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
        p.addLast("session", new WebSocketFrameHandler(shared, gate, limiter));
    }
}
