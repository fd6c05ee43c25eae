package dev.gamestate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one client's broadcasts, on the client's event loop: either at a fixed rate (open loop: a
 * slow ack never delays the next send) or with a window of unanswered broadcasts (closed loop: the
 * next one goes when an answer comes back). Each broadcast carries its send time twice, as the
 * request id ({@code b<nanoTime>}, so an ack needs no lookup) and as {@code data.t} (for subscribers).
 */
final class NettyLoadPublisher {

    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final byte[] HEAD = FrameScanner.ascii("{\"id\":\"b");
    private static final byte[] TAIL = FrameScanner.ascii("}}}");

    private final Channel channel;
    private final NettyLoadState state;
    private final NettyLoadTally tally;
    private final double ratePerSecond;
    private final int window;
    private final byte[] middle;
    private long started;
    private long sentTotal;
    private long unanswered;
    private ScheduledFuture<?> pacing;

    /** A publisher to {@code room} at {@code ratePerSecond} (open loop), or with {@code window} > 0. */
    NettyLoadPublisher(Channel channel, NettyLoadState state, NettyLoadTally tally, String room,
                       double ratePerSecond, int window) {
        this.channel = channel;
        this.state = state;
        this.tally = tally;
        this.ratePerSecond = ratePerSecond;
        this.window = window;
        this.middle = FrameScanner.ascii("\",\"type\":\"core.game.state.broadcast\",\"payload\":{\"room\":\"" + room
                + "\",\"data\":{\"t\":");
    }

    /** Starts sending; call on the channel's event loop. */
    void start() {
        started = System.nanoTime();
        if (window > 0) {
            for (int i = 0; i < window; i++) {
                send();
            }
            channel.flush();
            return;
        }
        long period = Math.clamp((long) (1e9 / ratePerSecond), MIN_PERIOD_NANOS, MAX_PERIOD_NANOS);
        pacing = channel.eventLoop().scheduleAtFixedRate(this::pace, 0, period, TimeUnit.NANOSECONDS);
    }

    /** An ack or error came back for one of this publisher's broadcasts. */
    void answered() {
        unanswered--;
        if (window > 0 && state.publishing() && channel.isActive()) {
            send();
            channel.flush();
        }
    }

    /** Broadcasts sent and not yet answered. */
    long unanswered() {
        return unanswered;
    }

    private void pace() {
        if (!state.publishing() || !channel.isActive()) {
            pacing.cancel(false);
            return;
        }
        long due = (long) ((System.nanoTime() - started) * ratePerSecond / 1e9) - sentTotal;
        for (long i = 0; i < due; i++) {
            send();
        }
        if (due > 0) {
            channel.flush();
        }
    }

    private void send() {
        long now = System.nanoTime();
        ByteBuf frame = channel.alloc().buffer(middle.length + 64);
        frame.writeBytes(HEAD);
        ByteBufUtil.writeAscii(frame, Long.toString(now));
        frame.writeBytes(middle);
        ByteBufUtil.writeAscii(frame, Long.toString(now));
        frame.writeBytes(TAIL);
        channel.write(new TextWebSocketFrame(frame));
        sentTotal++;
        unanswered++;
        if (state.inWindow(now)) {
            tally.sent++;
        }
    }
}
