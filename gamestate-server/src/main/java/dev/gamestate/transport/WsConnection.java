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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

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
    /** Bytes a queued frame costs beyond its payload: the queue entry and its frame header. */
    private static final int QUEUED_FRAME_OVERHEAD = 96;
    private static final AtomicIntegerFieldUpdater<WsConnection> CLOSING =
            AtomicIntegerFieldUpdater.newUpdater(WsConnection.class, "closing");
    private static final AtomicLongFieldUpdater<WsConnection> QUEUED =
            AtomicLongFieldUpdater.newUpdater(WsConnection.class, "queuedBytes");
    private static final AtomicLongFieldUpdater<WsConnection> FAN_OUT_QUEUED =
            AtomicLongFieldUpdater.newUpdater(WsConnection.class, "fanOutQueued");
    private static final AtomicLongFieldUpdater<WsConnection> FAN_OUT_WRITTEN =
            AtomicLongFieldUpdater.newUpdater(WsConnection.class, "fanOutWritten");

    private final String sessionId;
    private volatile Principal principal; // replaced by a refresh, always of the same user
    private final Channel channel;
    private final TransportMetrics metrics;
    private final OutboundLane lane;
    private final ChannelOutboundInvoker frameOutput;
    private final long maxUnsentBytes;
    private final boolean deflate; // permessage-deflate was negotiated
    // Updated in place through field updaters, not held in atomics of their own: objects fewer per
    // connection. Fan-out bytes are two counters with one writer side each (the fan-out caller and
    // the loop), so a delivery costs the loop no atomic read-modify-write.
    private volatile int closing; // 0 open, 1 closing
    private volatile long queuedBytes;
    private volatile long fanOutQueued;
    private volatile long fanOutWritten;
    private volatile boolean congestionSeen;
    private volatile Runnable onDrained = () -> { };
    private boolean dirty; // written since the lane last flushed it; loop-confined
    private boolean closeWritten; // loop-confined
    private long lastFlushNanos = Long.MIN_VALUE / 2; // loop-confined; long ago

    WsConnection(String sessionId, Principal principal, Channel channel, TransportMetrics metrics,
                 OutboundLane lane, long maxUnsentBytes) {
        this.sessionId = sessionId;
        this.principal = principal;
        this.channel = channel;
        this.metrics = metrics;
        this.lane = lane;
        this.maxUnsentBytes = maxUnsentBytes;
        this.deflate = Boolean.TRUE.equals(channel.attr(Attributes.DEFLATE).get());
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

    Channel channel() {
        return channel;
    }

    /** True when the client accepted permessage-deflate: messages to it may go compressed. */
    boolean deflate() {
        return deflate;
    }

    /**
     * Takes the principal of a refreshed token: the same user, with the new token's expiry and rooms.
     *
     * @throws IllegalArgumentException when {@code refreshed} is another user or namespace
     */
    void renew(Principal refreshed) {
        if (!refreshed.userId().equals(principal.userId()) || refreshed.namespace() != principal.namespace()) {
            throw new IllegalArgumentException("a session cannot change its user");
        }
        principal = refreshed;
    }

    @Override
    public void push(Push push) {
        send(push.utf8());
    }

    @Override
    public boolean congested() {
        // Frames still in the lane count too: the channel learns of them only when the lane runs.
        boolean congested = !channel.isWritable() || unsentBytes() > maxUnsentBytes / 2 || lane.backlogged();
        if (congested && !congestionSeen) {
            // Someone held back for it: it must hear when that ends, also when the channel never
            // turned unwritable (the bytes were still in the lane), so the lane watches it.
            congestionSeen = true;
            lane.watchCongestion(this);
        }
        return congested;
    }

    /**
     * Called by the lane after it wrote: when this connection was seen congested and no longer is,
     * tells the drain listener once. On the loop.
     *
     * @return true when it is settled (not congested any more); false to keep watching
     */
    boolean checkDrained() {
        if (!channel.isActive()) {
            congestionSeen = false;
            return true;
        }
        boolean congested = !channel.isWritable() || unsentBytes() > maxUnsentBytes / 2 || lane.backlogged();
        if (congested) {
            return false;
        }
        congestionSeen = false;
        onDrained.run();
        return true;
    }

    /** The channel closed: lets go of what still refers to this connection. On the loop. */
    void closed() {
        if (congestionSeen) {
            congestionSeen = false;
            lane.forgetCongested(this);
        }
    }

    /** What to run when the connection drained after being congested. */
    void onDrained(Runnable listener) {
        this.onDrained = listener;
    }

    /**
     * Queues a text frame, from any thread. A client whose unsent bytes would pass
     * {@code limits.outboundBufferBytes} is closed with 4008 rather than buffered without bound.
     */
    void send(byte[] utf8) {
        if (reserve(utf8)) {
            lane.enqueue(this, utf8);
        }
    }

    /**
     * Queues an ack or error reply, from any thread, ahead of fan-out already queued (see
     * {@link OutboundLane#enqueueReply}); same budget as {@link #send}.
     */
    void reply(byte[] utf8) {
        if (reserve(utf8)) {
            lane.enqueueReply(this, utf8);
        }
    }

    /**
     * Queues the pong answering a ping, under the same budget as every other frame: a client that
     * pings without reading its pongs is closed with 4008 like any other slow reader.
     */
    void sendPong(byte[] payload) {
        if (reserve(payload)) {
            lane.enqueuePong(this, payload);
        }
    }

    /** Counts a frame against the budget; false (and closed with 4008 when over it) if it is not to be queued. */
    private boolean reserve(byte[] payload) {
        if (closing != 0) {
            return false;
        }
        long cost = queuedCost(payload);
        if (QUEUED.addAndGet(this, cost) + channelPendingBytes() > maxUnsentBytes) {
            QUEUED.addAndGet(this, -cost);
            close(CloseCode.SLOW_CONSUMER);
            return false;
        }
        return true;
    }

    /**
     * What a queued frame counts against the budget: its payload plus what holding it costs, so that
     * a flood of empty frames is bounded too (Netty counts the same overhead per pending write).
     */
    private static long queuedCost(byte[] payload) {
        return payload.length + QUEUED_FRAME_OVERHEAD;
    }

    /**
     * Takes a frame queued by {@link #send} or {@link #sendPong} out of the lane's count for this
     * connection; true when it is to be written, false when it is dropped (closed, or over budget:
     * then closed with 4008). On the loop.
     */
    boolean admitQueued(byte[] payload) {
        QUEUED.addAndGet(this, -queuedCost(payload));
        return admit(payload.length);
    }

    /**
     * Like {@link #admitQueued}, for a frame of a fan-out item (counted by {@link #countFanOut}).
     * On the loop.
     */
    boolean admitFanOut(int size) {
        FAN_OUT_WRITTEN.lazySet(this, fanOutWritten + size); // only the loop writes it
        return admit(size);
    }

    /** Counts a fan-out frame of {@code size} bytes queued for this connection in its lane. */
    void countFanOut(int size) {
        FAN_OUT_QUEUED.addAndGet(this, size);
    }

    /** Bytes queued in the lane or written and not yet taken by the socket. */
    private long unsentBytes() {
        return queuedBytes + fanOutQueued - fanOutWritten + channelPendingBytes();
    }

    private boolean admit(int size) {
        if (closeWritten || !channel.isActive()) {
            return false;
        }
        if (channelPendingBytes() + size > maxUnsentBytes) {
            if (CLOSING.compareAndSet(this, 0, 1)) {
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
        return closing == 0;
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

    /** Flushes what the lane wrote, at {@code nowNanos} on the loop's clock; false when nothing was. On the loop. */
    boolean flushQueued(long nowNanos) {
        if (!dirty) {
            return false;
        }
        dirty = false;
        lastFlushNanos = nowNanos;
        frameOutput.flush();
        return true;
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
        return closing == 0 && channel.isActive();
    }

    /**
     * Sends a close frame with {@code code} behind the frames already queued (nothing queued later is
     * sent), and cuts the socket once it is out, or after a grace period.
     */
    @Override
    public void close(CloseCode code) {
        if (!CLOSING.compareAndSet(this, 0, 1) || !channel.isActive()) {
            return; // closing already, or gone: a timer that fires after the close counts nothing
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
     * Sends a close frame with {@code code} at once, ahead of anything still queued (which is dropped),
     * and cuts the socket once it is out: for protocol violations, after which nothing the client
     * sent can be read. On the loop.
     */
    void closeNow(CloseCode code) {
        if (!CLOSING.compareAndSet(this, 0, 1) || !channel.isActive()) {
            return;
        }
        metrics.closed(code);
        writeClose(code);
    }

    @Override
    public String toString() {
        return "session " + sessionId + " (" + principal.namespace().wire() + "/" + principal.userId() + ")";
    }
}
