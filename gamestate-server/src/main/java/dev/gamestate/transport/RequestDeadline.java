package dev.gamestate.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time a connection has to send a whole HTTP request ({@code server.handshakeTimeout}): from its
 * accept, and again after each answer on a kept-alive connection. A client that sends its request a
 * byte at a time (slowloris) is closed, unanswered, when the time is up; while it sends, it counts
 * against {@code server.maxPendingHandshakes} like an upgrade in progress (the slot is taken here, at
 * accept, and handed on to the upgrade or given back for plain HTTP by the {@link HttpRouter}).
 *
 * <p>One per channel, dropped at the upgrade ({@link GameServerInitializer#upgraded}); its timer
 * goes with it or with the channel, whichever ends first.
 */
final class RequestDeadline extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutNanos;
    private final PendingHandshakes handshakes;
    private final TransportMetrics metrics;
    private ScheduledFuture<?> timer; // on the channel's loop only

    RequestDeadline(long timeoutNanos, PendingHandshakes handshakes, TransportMetrics metrics) {
        this.timeoutNanos = timeoutNanos;
        this.handshakes = handshakes;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // A slot if one is free; a connection accepted past the bound waits for one when its request is in.
        handshakes.begin(ctx.channel());
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            disarm(); // the request is whole; what follows is bounded by the handshake's own limits
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
            arm(ctx); // an answer ends a request: a kept-alive connection gets the same time for its next
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        if (ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        LOG.debug("closing {}: no whole request within the handshake timeout", ctx.channel());
        metrics.requestTimedOut();
        ctx.close();
    }
}
