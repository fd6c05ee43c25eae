package dev.gamestate.bench;

import static dev.gamestate.bench.FrameScanner.ascii;
import static dev.gamestate.bench.FrameScanner.key;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client of a load run, the last handler of its pipeline: waits for {@code welcome}, subscribes
 * to its one room, then reads every frame with a byte scan (no JSON tree): acks and errors of its own
 * requests, and its room's events, whose {@code seq} a {@link SubscriberSeqCheck} checks; a
 * {@code snapshot} (reason {@code resync} or {@code conflated}) may jump forward. A subscribe
 * refused with {@code unavailable} or {@code rate_limited} is sent again after {@code retryAfterMs}
 * (plus jitter), as a real client would, until the setup time runs out.
 */
final class NettyLoadConnection extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final byte[] TYPE = key("type");
    private static final byte[] ID = key("id");
    private static final byte[] ROOM = key("room");
    private static final byte[] SEQ = key("seq");
    private static final byte[] PAYLOAD = key("payload");
    private static final byte[] SENT_AT = key("t");
    private static final byte[] CODE = key("code");
    private static final byte[] REASON = key("reason");
    private static final byte[] RETRY_AFTER = key("retryAfterMs");
    private static final byte[] UNAVAILABLE = ascii("\"unavailable\"");
    private static final byte[] RATE_LIMITED = ascii("\"rate_limited\"");
    private static final long DEFAULT_RETRY_MS = 100;
    private static final byte[] ACK = ascii("\"ack\"");
    private static final byte[] ERROR = ascii("\"error\"");
    private static final byte[] WELCOME = ascii("\"welcome\"");
    private static final byte[] SNAPSHOT = ascii("\"snapshot\"");
    private static final byte[] PRESENCE = ascii("\"core.game.state.presence\"");
    private static final byte[] BROADCAST_ID = ascii("\"b");
    private static final byte[] SUBSCRIBE_ID = ascii("\"s");
    private static final byte[] CONFLATED = ascii("\"conflated\"");
    private static final byte[] RESYNC = ascii("\"resync\"");

    private final NettyLoadState state;
    private final int room;
    private final String roomName;
    private final byte[] quotedRoom;
    private final boolean publishes;
    private Channel channel;
    private NettyLoadTally tally;
    private FrameScanner scan;
    private Optional<NettyLoadPublisher> publisher = Optional.empty();
    private boolean handshakeSettled;
    private boolean settled;
    private int subscribeAttempts;
    private final SubscriberSeqCheck order = new SubscriberSeqCheck();

    NettyLoadConnection(NettyLoadState state, int room, boolean publishes) {
        this.state = state;
        this.room = room;
        this.roomName = state.options().roomName(room);
        this.quotedRoom = ascii("\"" + roomName + "\"");
        this.publishes = publishes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        NettyLoadLane lane = state.lane(channel.eventLoop());
        tally = lane.tally();
        scan = lane.scanner();
        lane.add(this);
    }

    /** Starts this client's broadcasts on its event loop, if it publishes and subscribed. */
    void startPublishing() {
        if (channel != null) {
            channel.eventLoop().execute(() -> publisher.ifPresent(NettyLoadPublisher::start));
        }
    }

    /** How many acked seqs of its room this subscriber has not seen (0 when caught up). */
    long behindBy() {
        return order.behind(state.ackedSeq(room));
    }

    /** Broadcasts sent and not yet answered. */
    long unanswered() {
        return publisher.map(NettyLoadPublisher::unanswered).orElse(0L);
    }

    /** The TCP connect failed; called by the connector on this channel's event loop. */
    void connectFailed(Throwable cause) {
        fail(switch (cause) {
            case ConnectTimeoutException _ -> "connect_timeout";
            case ConnectException _ -> "connect_refused";
            default -> "connect_" + cause.getClass().getSimpleName();
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            tally.connected++;
            releaseHandshake();
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail("handshake_timeout");
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            tally.error("close_" + close.statusCode());
            return;
        }
        if (!(frame instanceof TextWebSocketFrame)) {
            return;
        }
        long now = System.nanoTime();
        scan.load(frame.content());
        int type = scan.after(TYPE, 0);
        if (scan.matches(type, ACK)) {
            onAnswer(type, now, true);
        } else if (scan.matches(type, ERROR)) {
            onAnswer(type, now, false);
        } else if (scan.matches(type, WELCOME)) {
            subscribe();
        } else if (scan.matches(type, PRESENCE)) {
            return; // who is in the room: not part of its stream, nothing to check
        } else {
            onEvent(type, now, scan.matches(type, SNAPSHOT));
        }
    }

    private void onAnswer(int at, long now, boolean ok) {
        int id = scan.after(ID, at);
        if (!ok) {
            tally.error(scan.stringAt(scan.after(CODE, at)));
        }
        if (scan.matches(id, BROADCAST_ID)) {
            long sentAt = scan.longAt(id + BROADCAST_ID.length);
            if (ok) {
                state.acked(room, scan.longAt(scan.after(SEQ, id)));
            }
            if (ok && state.inWindow(sentAt)) {
                NettyLoadTally.record(tally.ack, now - sentAt);
                tally.acked++;
            }
            publisher.ifPresent(NettyLoadPublisher::answered);
        } else if (scan.matches(id, SUBSCRIBE_ID)) {
            if (ok) {
                order.subscribed(scan.longAt(scan.after(SEQ, id)));
                tally.subscribed++;
                settle();
            } else {
                subscribeRefused(at);
            }
        }
    }

    private void onEvent(int at, long now, boolean snapshot) {
        int roomAt = scan.after(ROOM, at);
        if (roomAt < 0) {
            tally.error("event_without_room");
            return;
        }
        if (!scan.matches(roomAt, quotedRoom)) {
            tally.error("event_of_another_room");
            return;
        }
        long seq = scan.longAt(scan.after(SEQ, roomAt));
        int payload = scan.after(PAYLOAD, roomAt);
        if (snapshot) {
            int reason = scan.after(REASON, payload);
            if (scan.matches(reason, RESYNC) || scan.matches(reason, CONFLATED)) {
                tally.snapshots++;
                order.snapshot(seq);
            } else {
                tally.error("snapshot_without_known_reason");
            }
            return;
        }
        tally.deliveriesTotal++;
        if (!order.subscribed()) {
            tally.error("event_before_subscribe_ack");
            return;
        }
        order.event(seq, tally);
        if (state.inWindow(now)) {
            tally.deliveries++;
        }
        long sentAt = scan.longAt(scan.after(SENT_AT, payload));
        if (sentAt != Long.MIN_VALUE && state.inWindow(sentAt)) {
            NettyLoadTally.record(tally.delivery, now - sentAt);
        }
    }

    private void subscribe() {
        subscribeAttempts++;
        channel.writeAndFlush(new TextWebSocketFrame("{\"id\":\"s" + subscribeAttempts
                + "\",\"type\":\"subscribe\",\"payload\":{\"room\":\"" + roomName + "\"}}"));
    }

    /** A refused subscribe: retried after {@code retryAfterMs} when the server is busy, within the setup time. */
    private void subscribeRefused(int at) {
        int code = scan.after(CODE, at);
        boolean busy = scan.matches(code, UNAVAILABLE) || scan.matches(code, RATE_LIMITED);
        long retryMillis = scan.longAt(scan.after(RETRY_AFTER, at));
        // Up to twice the asked delay, at random, so that refused clients do not all come back at once.
        long asked = TimeUnit.MILLISECONDS.toNanos(retryMillis > 0 ? retryMillis : DEFAULT_RETRY_MS);
        long delay = asked + ThreadLocalRandom.current().nextLong(asked);
        if (busy && System.nanoTime() + delay < state.setupDeadline()) {
            tally.subscribeRetries++;
            channel.eventLoop().schedule(this::subscribe, delay, TimeUnit.NANOSECONDS);
        } else {
            settleFailed();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!settled) {
            fail("closed_before_subscribed");
        } else if (order.subscribed() && !state.closing()) {
            tally.error("closed_by_server");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
            fail("handshake_" + refused.response().status().code());
        } else if (!settled) {
            fail("failed_" + cause.getClass().getSimpleName());
        } else if (!state.closing()) {
            tally.error("exception_" + cause.getClass().getSimpleName());
        }
        ctx.close();
    }

    private void releaseHandshake() {
        if (!handshakeSettled) {
            handshakeSettled = true;
            state.handshakes.release();
        }
    }

    private void settle() {
        releaseHandshake();
        if (!settled) {
            settled = true;
            state.settled.countDown();
        }
        if (publishes && publisher.isEmpty() && order.subscribed()) {
            NettyLoadOptions o = state.options();
            double ratePerPublisher = o.rate() / (double) o.publishers();
            publisher = Optional.of(new NettyLoadPublisher(channel, state, tally, roomName,
                    ratePerPublisher, o.window()));
        }
    }

    /** Counts {@code code} and gives up on this client, unless it already settled. */
    private void fail(String code) {
        if (!settled) {
            tally.error(code);
        }
        settleFailed();
    }

    private void settleFailed() {
        releaseHandshake();
        if (!settled) {
            settled = true;
            state.settled.countDown();
        }
    }
}
