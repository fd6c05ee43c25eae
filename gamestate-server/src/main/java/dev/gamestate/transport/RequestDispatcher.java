package dev.gamestate.transport;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.EventType;
import dev.gamestate.event.Reply;
import dev.gamestate.protocol.Envelope;
import dev.gamestate.protocol.FrameException;
import dev.gamestate.protocol.ReplyId;
import dev.gamestate.protocol.WireCodec;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a text frame into exactly one reply: decode the envelope, find the type, decode and validate
 * the payload, run the handler, and answer {@code ack} or {@code error}. Shared by all connections.
 */
final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final long DRAINING_RETRY_AFTER_MS = 100;

    private final WireCodec codec;
    private final EventRegistry registry;
    private final TransportMetrics metrics;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    RequestDispatcher(WireCodec codec, EventRegistry registry, TransportMetrics metrics, Clock clock) {
        this.codec = codec;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    void dispatch(WsConnection connection, String text) {
        long started = System.nanoTime();
        Envelope envelope;
        Event<?> event;
        try {
            envelope = codec.envelope(text);
        } catch (FrameException e) {
            replyError(connection, e.requestId(), e.error());
            return;
        }
        Optional<EventType<?>> type = registry.type(envelope.type());
        if (type.isEmpty()) {
            replyError(connection, envelope.replyId(),
                    new GameException(ErrorCode.UNKNOWN_TYPE, "unknown type '" + envelope.type() + "'"));
            return;
        }
        try {
            event = decode(envelope, type.get(), connection);
        } catch (FrameException e) {
            replyError(connection, e.requestId(), e.error());
            return;
        }
        String id = envelope.id();
        try (LogContext ignored = LogContext.request(connection, id)) {
            run(connection, event, id, envelope.type(), started);
        }
    }

    private void run(WsConnection connection, Event<?> event, String id, String typeName, long started) {
        if (draining) {
            replyError(connection, ReplyId.of(id), new GameException(ErrorCode.UNAVAILABLE,
                    "this node is shutting down; reconnect and retry", DRAINING_RETRY_AFTER_MS));
            return;
        }
        inFlight.incrementAndGet();
        registry.dispatch(event, connection).whenComplete((reply, error) -> {
            // Often on an etcd callback thread, which serves every session in turn.
            try (LogContext ignored = LogContext.request(connection, id)) {
                inFlight.decrementAndGet();
                if (error != null) {
                    GameException failure = GameException.from(error);
                    if (failure.code() == ErrorCode.INTERNAL) {
                        LOG.error("request {} ({}) of {} failed with an internal error; the client got 'internal'."
                                + " A bug: report it with this line and its stack trace", id, typeName, connection,
                                error);
                    }
                    replyError(connection, ReplyId.of(id), failure);
                } else {
                    replyAck(connection, id, reply);
                }
                metrics.request(typeName, System.nanoTime() - started);
            }
        });
    }

    /**
     * Stops taking requests (new ones answer {@code unavailable}); those already running finish and
     * get their replies, so a client never retries a write whose ack was lost to the shutdown.
     */
    void drain() {
        draining = true;
    }

    /** Requests dispatched and not yet answered. */
    int inFlight() {
        return inFlight.get();
    }

    private <P extends dev.gamestate.event.EventPayload> Event<P> decode(Envelope envelope, EventType<P> type,
                                                                         WsConnection connection) {
        return codec.event(envelope, type, connection.principal(), clock.instant());
    }

    private void replyAck(WsConnection connection, String id, Reply reply) {
        connection.reply(codec.ack(id, reply.result()));
        reply.afterSend().run();
    }

    void replyError(WsConnection connection, ReplyId id, GameException error) {
        metrics.error(error.code());
        connection.reply(codec.error(id, error));
    }
}
