package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Push;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbound lane on an {@link EmbeddedChannel}: batching, flush consolidation, budgets, close order. */
class OutboundLaneTest {

    private final TransportMetrics metrics = new TransportMetrics(new SimpleMeterRegistry(), new SessionRegistry());
    private final List<String> flushes = new ArrayList<>();

    @Test
    void framesPushedBeforeTheLaneRunsAreWrittenByOneTaskAndFlushedOnce() {
        EmbeddedChannel channel = channel();
        WsConnection connection = connection(channel, Duration.ZERO, 1 << 20);

        connection.push(push("a"));
        connection.push(push("b"));
        connection.push(push("c"));
        assertThat(channel.outboundMessages()).as("nothing before the lane's task runs").isEmpty();
        channel.runPendingTasks();

        assertThat(texts(channel)).containsExactly("a", "b", "c");
        assertThat(flushes).hasSize(1);
    }

    @Test
    void aBusySocketIsFlushedAtMostOncePerFlushIntervalButARepliesFlushesAtOnce() {
        EmbeddedChannel channel = channel();
        // An hour: the test must not depend on how fast this machine runs it.
        WsConnection connection = connection(channel, Duration.ofHours(1), 1 << 20);
        SessionRegistry fanOut = new SessionRegistry();

        fanOut.pushAll(push("first"), List.of(connection));
        channel.runPendingTasks();
        assertThat(texts(channel)).as("an idle socket is flushed at once").containsExactly("first");

        fanOut.pushAll(push("second"), List.of(connection));
        fanOut.pushAll(push("third"), List.of(connection));
        channel.runPendingTasks();
        assertThat(channel.outboundMessages()).as("within the interval: written, not flushed").isEmpty();

        channel.advanceTimeBy(1, TimeUnit.HOURS);
        channel.runScheduledPendingTasks();
        assertThat(texts(channel)).containsExactly("second", "third");
        assertThat(flushes).hasSize(2);

        fanOut.pushAll(push("fourth"), List.of(connection));
        connection.push(push("ack"));
        channel.runPendingTasks();
        assertThat(texts(channel)).as("a reply flushes what is before it too").containsExactly("fourth", "ack");
    }

    @Test
    void aReplyQueuedBehindFanOutIsWrittenBeforeItAndFlushedAtOnce() {
        EmbeddedChannel channel = channel();
        WsConnection connection = connection(channel, Duration.ofHours(1), 1 << 20);
        SessionRegistry fanOut = new SessionRegistry();

        fanOut.pushAll(push("event-1"), List.of(connection));
        fanOut.pushAll(push("event-2"), List.of(connection));
        connection.reply("ack".getBytes(StandardCharsets.UTF_8));
        connection.push(push("message"));
        channel.runPendingTasks();

        assertThat(texts(channel)).containsExactly("ack", "event-1", "event-2", "message");
    }

    @Test
    void aQuietSocketIsFlushedAtOnceWhileABusyOneOnTheSameLoopWaitsForTheInterval() {
        EmbeddedChannel busyChannel = channel();
        EmbeddedChannel quietChannel = new EmbeddedChannel();
        OutboundLanes lanes = new OutboundLanes(Duration.ofHours(1), metrics);
        // Both sockets on the busy channel's loop, as two sockets of one event loop are.
        OutboundLane lane = lanes.of(busyChannel.eventLoop());
        WsConnection busy = new WsConnection("s-b", Principal.guest("guest-b"), busyChannel, metrics,
                lane, 1 << 20);
        WsConnection quiet = new WsConnection("s-q", Principal.guest("guest-q"), quietChannel,
                metrics, lane, 1 << 20);

        SessionRegistry fanOut = new SessionRegistry();
        fanOut.pushAll(push("one"), List.of(busy));
        busyChannel.runPendingTasks();
        fanOut.pushAll(push("two"), List.of(busy));
        fanOut.pushAll(push("event"), List.of(quiet));
        busyChannel.runPendingTasks();

        assertThat(texts(busyChannel)).as("the busy socket's first frame only").containsExactly("one");
        assertThat(texts(quietChannel)).as("the quiet socket at once").containsExactly("event");
        busyChannel.advanceTimeBy(1, TimeUnit.HOURS);
        busyChannel.runScheduledPendingTasks();
        assertThat(texts(busyChannel)).containsExactly("two");
    }

    @Test
    void aFanOutIsOneItemPerLaneAndItsRecipientsCountAsCongestedWhileTheLaneIsBacklogged() {
        EmbeddedChannel channel = channel();
        OutboundLane lane = new OutboundLanes(Duration.ZERO, metrics).of(channel.eventLoop());
        WsConnection a = new WsConnection("s-a", Principal.guest("guest-a"), channel, metrics, lane, 1 << 30);
        WsConnection b = new WsConnection("s-b", Principal.guest("guest-b"), channel, metrics, lane, 1 << 30);
        SessionRegistry registry = new SessionRegistry();

        registry.pushAll(push("small"), List.of(a, b));
        assertThat(lane.depth()).as("one item for both").isEqualTo(1);
        registry.pushAll(Push.ofUtf8(new byte[(int) OutboundLane.BACKLOG_BYTES + 1]), List.of(a));
        assertThat(b.congested()).as("b shares the backlogged lane").isTrue();
        channel.runPendingTasks();

        assertThat(b.congested()).isFalse();
        List<Object> written = new ArrayList<>();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            written.add(m);
        }
        assertThat(written).hasSize(3);
        assertThat(text(written.get(0))).isEqualTo("small");
        assertThat(text(written.get(1))).isEqualTo("small");
        ((ByteBuf) written.get(2)).release();
    }

    @Test
    void aCloseFrameFollowsTheFramesQueuedBeforeItAndNothingAfterIt() {
        EmbeddedChannel channel = channel();
        WsConnection connection = connection(channel, Duration.ZERO, 1 << 20);

        connection.push(push("rate_limited"));
        connection.close(CloseCode.POLICY_VIOLATION);
        connection.push(push("after"));
        channel.runPendingTasks();

        Object first = channel.readOutbound();
        assertThat(text(first)).isEqualTo("rate_limited");
        Object second = channel.readOutbound();
        assertThat(second).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) second).statusCode()).isEqualTo(1008);
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void aConnectionPastHalfItsBudgetIsCongestedAndPastAllOfItIsClosedWith4008() {
        EmbeddedChannel channel = channel();
        WsConnection connection = connection(channel, Duration.ZERO, 1000);

        connection.push(push("x".repeat(400)));
        assertThat(connection.congested()).isFalse();
        connection.push(push("y".repeat(400)));
        assertThat(connection.congested()).as("800 of 1000 bytes unsent").isTrue();
        connection.push(push("z".repeat(400)));
        channel.runPendingTasks();

        assertThat(connection.isOpen()).isFalse();
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            out.add(m);
        }
        assertThat(out.getLast()).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) out.getLast()).statusCode()).isEqualTo(4008);
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.add("flush");
                ctx.flush();
            }
        });
    }

    private WsConnection connection(EmbeddedChannel channel, Duration flushInterval, long budget) {
        OutboundLanes lanes = new OutboundLanes(flushInterval, metrics);
        return new WsConnection("s-1", Principal.guest("guest-1"), channel, metrics,
                lanes.of(channel.eventLoop()), budget);
    }

    private static Push push(String text) {
        return Push.ofUtf8(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(EmbeddedChannel channel) {
        List<String> texts = new ArrayList<>();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            texts.add(text(m));
        }
        return texts;
    }

    /** The payload of a framed, unmasked text frame, as the socket would carry it. */
    private static String text(Object written) {
        ByteBuf frame = (ByteBuf) written;
        try {
            assertThat(frame.readUnsignedByte()).as("FIN + text opcode").isEqualTo((short) 0x81);
            int length = frame.readUnsignedByte();
            if (length == 126) {
                length = frame.readUnsignedShort();
            } else if (length == 127) {
                length = (int) frame.readLong();
            }
            assertThat(frame.readableBytes()).isEqualTo(length);
            return frame.toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
    }

    @Test
    void oneEventFannedOutIsFramedOnceAndSharedByEveryRecipient() {
        EmbeddedChannel channel = channel();
        OutboundLane lane = new OutboundLanes(Duration.ZERO, metrics).of(channel.eventLoop());
        WsConnection a = new WsConnection("s-a", Principal.guest("guest-a"), channel, metrics, lane, 1 << 20);
        WsConnection b = new WsConnection("s-b", Principal.guest("guest-b"), channel, metrics, lane, 1 << 20);
        Push event = push("x".repeat(300));

        a.push(event);
        b.push(event);
        channel.runPendingTasks();

        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        assertThat(first.unwrap()).as("one framed buffer under both").isSameAs(second.unwrap());
        assertThat(text(first)).isEqualTo(text(second)).hasSize(300);
    }
}
