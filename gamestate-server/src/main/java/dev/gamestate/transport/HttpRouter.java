package dev.gamestate.transport;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.protocol.WireCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every plain HTTP request: real-time paths through the {@link UpgradeGate} (refusals are
 * answered here, before any upgrade), the operator endpoints, and the admin API.
 */
@Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * How long an upgrade past {@code server.maxPendingHandshakes} waits for a handshake to settle
     * before it is refused with 503: a storm's backlog in etcd clears in that time, well inside a
     * client's usual 10 s handshake timeout.
     */
    private static final Duration HANDSHAKE_SLOT_WAIT = Duration.ofSeconds(3);

    private final UpgradeGate gate;
    private final WireCodec codec;
    private final OpsEndpoints ops;
    private final Optional<HttpEndpoint> admin;
    private final TransportMetrics metrics;
    private final PendingHandshakes handshakes;

    HttpRouter(UpgradeGate gate, PendingHandshakes handshakes, WireCodec codec, OpsEndpoints ops,
               Optional<HttpEndpoint> admin, TransportMetrics metrics) {
        super(true);
        this.gate = gate;
        this.handshakes = handshakes;
        this.codec = codec;
        this.ops = ops;
        this.admin = admin;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            // What was read of it may miss any header (Origin, Authorization): never serve it.
            undecodable(ctx, request, request.decoderResult().cause());
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.startsWith(UpgradeGate.REAL_TIME_PREFIX)) {
            upgrade(ctx, request);
            return;
        }
        handshakes.finish(ctx.channel()); // plain HTTP: no handshake to wait for
        if (path.equals("/healthz")) {
            HttpResponses.json(ctx, request, HttpResponseStatus.OK, OK);
        } else if (path.equals("/readyz")) {
            ready(ctx, request);
        } else if (path.equals("/metrics")) {
            HttpResponses.send(ctx, request, HttpResponseStatus.OK, PROMETHEUS_TEXT,
                    ops.scrape().get().getBytes(StandardCharsets.UTF_8));
        } else if (admin.isPresent() && path.startsWith(admin.get().prefix())) {
            admin(ctx, request, path, admin.get());
        } else {
            refuse(ctx, request, new GameException(ErrorCode.NOT_FOUND, "nothing at " + path));
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        UpgradeGate.Admission admission;
        try {
            admission = gate.admit(request);
        } catch (UpgradeGate.UpgradeRequiredException e) {
            metrics.refused();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.UPGRADE_REQUIRED,
                    Unpooled.wrappedBuffer(codec.httpError(ErrorCode.BAD_REQUEST, e.getMessage())));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        } catch (GameException e) {
            metrics.refused();
            refuse(ctx, request, e);
            return;
        }
        FullHttpRequest held = request.retain(); // past this call: it may wait for a slot
        handshakes.begin(ctx.channel(), HANDSHAKE_SLOT_WAIT, () -> {
            ctx.channel().attr(Attributes.PRINCIPAL).set(admission.principal());
            ctx.channel().attr(Attributes.GUEST_TOKEN).set(admission.guestToken());
            // The WebSocket protocol handler next in the pipeline performs the handshake.
            ctx.fireChannelRead(held);
        }, () -> {
            held.release();
            if (ctx.channel().isActive()) {
                metrics.handshakeRefused();
                busy(ctx);
            }
        });
    }

    /**
     * 503 with {@code Retry-After} (1 to 3 s, spread so that refused clients do not come back
     * together) and the same seconds as {@code retryAfterMs} in the body.
     */
    private void busy(ChannelHandlerContext ctx) {
        int seconds = 1 + ThreadLocalRandom.current().nextInt(3);
        GameException error = new GameException(ErrorCode.UNAVAILABLE, "too many connections are opening ("
                + handshakes.max() + "); retry after " + seconds + " s", seconds * 1000L);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(codec.httpError(error)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .setInt(HttpHeaderNames.RETRY_AFTER, seconds)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * 414 for a request line over {@link GameServerInitializer#MAX_REQUEST_LINE} bytes (a token in
     * the query that is too long), 431 for a header section over
     * {@link GameServerInitializer#MAX_HEADER_BYTES}, 400 for anything else the HTTP decoder could not
     * read; the connection is closed after it.
     */
    private void undecodable(ChannelHandlerContext ctx, FullHttpRequest request, Throwable cause) {
        HttpResponseStatus status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            message = "request line over " + GameServerInitializer.MAX_REQUEST_LINE + " bytes";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            message = "headers over " + GameServerInitializer.MAX_HEADER_BYTES + " bytes";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            message = "not a valid HTTP request";
        }
        LOG.debug("undecodable HTTP request: {}", cause.toString());
        handshakes.finish(ctx.channel());
        metrics.refused();
        HttpResponses.json(ctx, request, status, codec.httpError(ErrorCode.BAD_REQUEST, message));
    }

    private void ready(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (ops.draining().getAsBoolean()) {
            refuse(ctx, request, new GameException(ErrorCode.UNAVAILABLE, "node is draining"));
            return;
        }
        FullHttpRequest held = request.retain();
        ops.etcdAnswers().get().whenComplete((up, error) -> ctx.executor().execute(() -> {
            try {
                if (error == null && up) {
                    HttpResponses.json(ctx, held, HttpResponseStatus.OK, READY);
                } else {
                    refuse(ctx, held, error != null ? GameException.from(error)
                            : new GameException(ErrorCode.UNAVAILABLE, "etcd does not answer"));
                }
            } finally {
                held.release();
            }
        }));
    }

    private void admin(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpEndpoint endpoint) {
        HttpEndpoint.Request call = new HttpEndpoint.Request(request.method().name(), path,
                new QueryStringDecoder(request.uri()).parameters(),
                Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)),
                ByteBufUtil.getBytes(request.content()));
        FullHttpRequest held = request.retain();
        endpoint.handle(call).whenComplete((response, error) -> ctx.executor().execute(() -> {
            try {
                if (error != null) {
                    GameException failure = GameException.from(error);
                    if (failure.code() == ErrorCode.INTERNAL) {
                        LOG.error("admin {} {} failed with an internal error; the caller got 500. A bug: report it with"
                                + " this stack trace", call.method(), path, error);
                    }
                    refuse(ctx, held, failure);
                } else {
                    HttpResponses.json(ctx, held, HttpResponseStatus.valueOf(response.status()), response.json());
                }
            } finally {
                held.release();
            }
        }));
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, GameException error) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(error.code().httpStatus());
        if (request.method().equals(HttpMethod.HEAD)) {
            HttpResponses.send(ctx, request, status, HttpHeaderValues.APPLICATION_JSON, new byte[0]);
        } else {
            HttpResponses.json(ctx, request, status, codec.httpError(error));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel().hasAttr(Attributes.PRINCIPAL)) {
            ctx.fireExceptionCaught(cause); // upgraded: the frame handler decides
        } else {
            LOG.debug("HTTP connection error", cause);
            ctx.close();
        }
    }
}
