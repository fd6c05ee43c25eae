package dev.gamestate.bench;

import static dev.gamestate.bench.FrameScanner.ascii;
import static dev.gamestate.bench.FrameScanner.key;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection to the ceiling server, after the upgrade: {@code welcome}, then {@code subscribe},
 * {@code core.game.state.broadcast} and {@code ping}, answered with gamestate's reply shapes. Replies
 * are flushed at once (a publisher's next request may wait on them); room events go out on the
 * outbox's tick.
 */
final class CeilingSession extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    private static final byte[] TYPE = key("type");
    private static final byte[] ID = key("id");
    private static final byte[] ROOM = key("room");
    private static final byte[] DATA = key("data");
    private static final byte[] SUBSCRIBE = ascii("\"subscribe\"");
    private static final byte[] BROADCAST = ascii("\"core.game.state.broadcast\"");
    private static final byte[] PING = ascii("\"ping\"");

    /** One scanner per event loop thread; frames are read one at a time. */
    private static final ThreadLocal<FrameScanner> SCANNERS = ThreadLocal.withInitial(FrameScanner::new);

    private final CeilingRooms rooms;
    private final String userId;
    private final List<CeilingRoom> subscribed = new ArrayList<>(1);
    private Channel channel;
    private CeilingOutbox outbox;
    /** True while this session waits in its outbox's flush list; only its event loop touches it. */
    boolean dirty;

    CeilingSession(CeilingRooms rooms, String userId) {
        this.rooms = rooms;
        this.userId = userId;
    }

    Channel channel() {
        return channel;
    }

    CeilingOutbox outbox() {
        return outbox;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        outbox = rooms.outbox(channel.eventLoop());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof HandshakeComplete) {
            reply("{\"type\":\"welcome\",\"payload\":{\"sessionId\":\"" + userId + "\",\"userId\":\"" + userId
                    + "\",\"namespace\":\"guest\",\"node\":\"ceiling\"}}");
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        ByteBuf text = frame.content();
        FrameScanner scan = SCANNERS.get().load(text);
        int type = scan.after(TYPE, 0);
        String id = scan.stringAt(scan.after(ID, 0));
        if (scan.matches(type, SUBSCRIBE)) {
            String name = scan.stringAt(scan.after(ROOM, type));
            CeilingRoom room = rooms.room(name);
            long seq = room.subscribe(this);
            if (!subscribed.contains(room)) {
                subscribed.add(room);
            }
            reply("{\"type\":\"ack\",\"id\":\"" + id + "\",\"result\":{\"room\":\"" + name + "\",\"seq\":" + seq
                    + ",\"state\":{}}}");
        } else if (scan.matches(type, BROADCAST)) {
            String name = scan.stringAt(scan.after(ROOM, type));
            int data = scan.after(DATA, type);
            int end = scan.valueEnd(data);
            if (name.isEmpty() || end < 0) {
                reply("{\"type\":\"error\",\"id\":\"" + id
                        + "\",\"error\":{\"code\":\"invalid_payload\",\"message\":\"room and data needed\"}}");
                return;
            }
            long seq = rooms.room(name).publish(ctx.alloc(), userId, text.slice(text.readerIndex() + data, end - data));
            reply("{\"type\":\"ack\",\"id\":\"" + id + "\",\"result\":{\"room\":\"" + name + "\",\"seq\":" + seq
                    + ",\"eventId\":\"" + name + "-" + seq + "\"}}");
        } else if (scan.matches(type, PING)) {
            reply("{\"type\":\"ack\",\"id\":\"" + id + "\",\"result\":{}}");
        } else {
            reply("{\"type\":\"error\",\"id\":\"" + id
                    + "\",\"error\":{\"code\":\"unknown_type\",\"message\":\"not in the ceiling's subset\"}}");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        subscribed.forEach(room -> room.unsubscribe(this));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void reply(String json) {
        channel.writeAndFlush(new TextWebSocketFrame(json));
    }
}
