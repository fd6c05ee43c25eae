package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket session as the game services see it. Frames may be sent from any thread; they go
 * through the {@link OutboundLane} of the channel's event loop, in call order, and are flushed in
 * batches.
 *
 * <p>Its unsent bytes (queued in the lane plus written and not yet taken by the socket) are bounded
 * by {@code limits.outboundBufferBytes}: past that the client is closed with 4008. Past half of it the
 * channel turns unwritable, which {@link #congested} reports, so that the services can send less
 * (rooms conflate a subscription's events into one snapshot) before the hard cap is reached.
 */
final class WsConnection implements Connection {

    /** The name Netty's handshaker gives the WebSocket frame encoder in the pipeline. */
    private static final String WS_ENCODER = "wsencoder";
    /** How long a closing handshake may take before the socket is cut. */
    private static final long CLOSE_GRACE_MS = 2000;

    private final String sessionId;
    private final Principal principal;
    private final Channel channel;
    private final Instant connectedAt;
    private final TransportMetrics metrics;
    private final OutboundLane lane;
    private final ChannelOutboundInvoker frameOutput;
    private final long maxUnsentBytes;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    // Fan-out bytes queued for it and written, as two counters each with one writer side (the
    // fan-out callers, the loop), so a delivery costs the loop no atomic read-modify-write.
    private final AtomicLong fanOutQueued = new AtomicLong();
    private final AtomicLong fanOutWritten = new AtomicLong();
    private boolean dirty; // written since the lane last flushed it; loop-confined
    private boolean closeWritten; // loop-confined
    private long lastFlushNanos = Long.MIN_VALUE / 2; // loop-confined; long ago

    WsConnection(String sessionId, Principal principal, Channel channel, Instant connectedAt, TransportMetrics metrics,
                 OutboundLane lane, long maxUnsentBytes) {
        this.sessionId = sessionId;
        this.principal = principal;
        this.channel = channel;
        this.connectedAt = connectedAt;
        this.metrics = metrics;
        this.lane = lane;
        this.maxUnsentBytes = maxUnsentBytes;
        // Framed bytes need no handler on the way out: writing at the WebSocket encoder's context
        // sends them straight to the socket, past the protocol handler and the encoder itself.
        ChannelHandlerContext encoder = channel.pipeline().context(WS_ENCODER);
        this.frameOutput = encoder != null ? encoder : channel;
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

    @Override
    public boolean congested() {
        // Frames still in the lane count too: the channel learns of them only when the lane runs.
        return !channel.isWritable() || unsentBytes() > maxUnsentBytes / 2 || lane.backlogged();
    }

    /**
     * Queues a text frame, from any thread. A client whose unsent bytes would pass
     * {@code limits.outboundBufferBytes} is closed with 4008 rather than buffered without bound.
     */
    void send(byte[] utf8) {
        if (closing.get()) {
            return;
        }
        if (queuedBytes.addAndGet(utf8.length) + channelPendingBytes() > maxUnsentBytes) {
            queuedBytes.addAndGet(-utf8.length);
            close(CloseCode.SLOW_CONSUMER);
            return;
        }
        lane.enqueue(this, utf8);
    }

    /**
     * Takes a frame of {@code size} bytes out of the lane's count for this connection; true when it
     * is to be written, false when it is dropped (closed, or over budget: then closed with 4008).
     * On the loop.
     */
    boolean admitQueued(int size) {
        queuedBytes.addAndGet(-size);
        return admit(size);
    }

    /**
     * Like {@link #admitQueued}, for a frame of a fan-out item (counted by the lane, not by this
     * connection). On the loop.
     */
    boolean admitFanOut(int size) {
        fanOutWritten.lazySet(fanOutWritten.get() + size); // only the loop writes it
        return admit(size);
    }

    /** Counts a fan-out frame of {@code size} bytes queued for this connection in its lane. */
    void countFanOut(int size) {
        fanOutQueued.addAndGet(size);
    }

    /** Bytes queued in the lane or written and not yet taken by the socket. */
    private long unsentBytes() {
        return queuedBytes.get() + fanOutQueued.get() - fanOutWritten.get() + channelPendingBytes();
    }

    private boolean admit(int size) {
        if (closeWritten || !channel.isActive()) {
            return false;
        }
        if (channelPendingBytes() + size > maxUnsentBytes) {
            if (closing.compareAndSet(false, true)) {
                metrics.closed(CloseCode.SLOW_CONSUMER);
            }
            writeClose(CloseCode.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /** The lane of this connection's event loop. */
    OutboundLane lane() {
        return lane;
    }

    /** False once nothing more is to be queued for it (closing or closed). */
    boolean accepting() {
        return !closing.get();
    }

    /** Writes a whole, already framed text frame, unflushed. On the loop. */
    void writeFramed(ByteBuf frame) {
        frameOutput.write(frame, channel.voidPromise());
    }

    /** The channel's buffer allocator. */
    ByteBufAllocator allocator() {
        return channel.alloc();
    }

    /** Marks the channel as written since the last flush; true when it was not yet. On the loop. */
    boolean markDirty() {
        if (dirty) {
            return false;
        }
        dirty = true;
        return true;
    }

    /** Flushes what the lane wrote, at {@code nowNanos} on the loop's clock. On the loop. */
    void flushQueued(long nowNanos) {
        if (dirty) {
            dirty = false;
            lastFlushNanos = nowNanos;
            frameOutput.flush();
        }
    }

    /** When the lane last flushed this socket, on the loop's clock. On the loop. */
    long lastFlushNanos() {
        return lastFlushNanos;
    }

    private long channelPendingBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && channel.isActive();
    }

    /**
     * Sends a close frame with {@code code} behind the frames already queued (nothing queued later is
     * sent), and cuts the socket once it is out, or after a grace period.
     */
    void close(CloseCode code) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        metrics.closed(code);
        lane.enqueueClose(this, code);
    }

    /** Writes and flushes the close frame, once; from then on nothing else is written. On the loop. */
    void writeClose(CloseCode code) {
        if (closeWritten) {
            return;
        }
        closeWritten = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                .addListener(ChannelFutureListener.CLOSE);
        // A client that never reads its backlog never lets the close frame out: cut it after the grace.
        ScheduledFuture<?> cut = channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> cut.cancel(false));
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
