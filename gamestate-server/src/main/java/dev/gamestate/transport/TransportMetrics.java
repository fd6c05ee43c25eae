package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.Namespace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the transport counts, under {@code gamestate_*}. Meters are created once and reused. */
public final class TransportMetrics {

    /** Histogram buckets of request latency: p99 by type needs them; a few, so types x buckets stay small. */
    private static final Duration[] REQUEST_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final MeterRegistry registry;
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter bytesOut;
    private final Counter flushes;
    private final Counter connectionsOpened;
    private final Counter upgradesRefused;
    private final Counter handshakesRefused;
    private final Counter requestsTimedOut;
    private final Counter rateLimited;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<CloseCode, Counter> closes = new EnumMap<>(CloseCode.class);
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final AtomicInteger sessionTimers = new AtomicInteger();

    /** Meters in {@code registry}; {@code sessions} is read for the live-session gauge. */
    public TransportMetrics(MeterRegistry registry, SessionRegistry sessions) {
        this.registry = registry;
        Gauge.builder("gamestate.sessions", sessions, SessionRegistry::size)
                .description("live WebSocket sessions on this node").register(registry);
        framesIn = Counter.builder("gamestate.frames.in").description("client frames received").register(registry);
        framesOut = Counter.builder("gamestate.frames.out").description("frames written to clients").register(registry);
        bytesOut = Counter.builder("gamestate.frames.out.bytes").baseUnit("bytes")
                .description("bytes of frames written to clients").register(registry);
        flushes = Counter.builder("gamestate.outbound.flushes")
                .description("socket flushes (writev calls) of fan-out and replies").register(registry);
        connectionsOpened = Counter.builder("gamestate.sessions.opened").register(registry);
        upgradesRefused = Counter.builder("gamestate.upgrades.refused").register(registry);
        handshakesRefused = Counter.builder("gamestate.handshakes.refused")
                .description("upgrades refused with 503 because server.maxPendingHandshakes were pending")
                .register(registry);
        requestsTimedOut = Counter.builder("gamestate.requests.timed.out")
                .description("connections closed because no whole HTTP request came within server.handshakeTimeout")
                .register(registry);
        rateLimited = Counter.builder("gamestate.frames.rate.limited")
                .description("client frames refused by their connection rate limit (any kind of frame)")
                .register(registry);
        for (Namespace namespace : Namespace.values()) {
            Gauge.builder("gamestate.namespace.sessions", sessions, s -> s.size(namespace))
                    .tag("namespace", namespace.wire())
                    .description("live WebSocket sessions on this node, by namespace").register(registry);
        }
        Gauge.builder("gamestate.session.timers", sessionTimers, AtomicInteger::get)
                .description("token expiry and token_expiring timers armed for live sessions (at most two each)")
                .register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("gamestate.errors").tag("code", code.wire())
                    .description("error replies by code").register(registry));
        }
        for (CloseCode code : CloseCode.values()) {
            closes.put(code, Counter.builder("gamestate.closes").tag("code", Integer.toString(code.code()))
                    .description("sockets the server closed, by close code").register(registry));
        }
    }

    void frameIn() {
        framesIn.increment();
    }

    /** Counts a batch of frames written to sockets. */
    void framesOut(int frames, long bytes) {
        if (frames > 0) {
            framesOut.increment(frames);
            bytesOut.increment(bytes);
        }
    }

    /** Registers the gauge of the longest fan-out flush interval of the lanes (see FlushPacer). */
    void flushInterval(java.util.function.LongSupplier nanos) {
        Gauge.builder("gamestate.outbound.flush.interval", () -> nanos.getAsLong() / 1e9)
                .baseUnit("seconds")
                .description("longest wait of a busy socket's fan-out before its flush, over the event loops")
                .register(registry);
    }

    /** Counts socket flushes of the lanes. */
    void flushes(int count) {
        if (count > 0) {
            flushes.increment(count);
        }
    }

    /**
     * Registers, per event loop of {@code group}, the tasks waiting for it (hand-overs of fan-out,
     * replies, timers due): a loop that falls behind shows here before its sockets do.
     */
    void eventLoops(EventLoopGroup group) {
        int index = 0;
        for (EventExecutor loop : group) {
            if (loop instanceof SingleThreadEventExecutor thread) {
                Gauge.builder("gamestate.event.loop.tasks.pending", thread, SingleThreadEventExecutor::pendingTasks)
                        .tag("loop", Integer.toString(index))
                        .description("tasks waiting for an event loop").register(registry);
            }
            index++;
        }
    }

    /** Registers the gauge of frames queued for sockets and not yet written. */
    void outboundQueue(java.util.function.IntSupplier depth) {
        Gauge.builder("gamestate.outbound.queued", depth::getAsInt)
                .description("frames queued for sockets, not yet written").register(registry);
    }

    void opened() {
        connectionsOpened.increment();
    }

    void refused() {
        upgradesRefused.increment();
    }

    /** Reads {@code handshakes} for the pending-handshake gauge. */
    void watch(PendingHandshakes handshakes) {
        Gauge.builder("gamestate.handshakes.pending", handshakes, PendingHandshakes::pending)
                .description("connections accepted whose request is not in or whose session is not settled yet")
                .register(registry);
    }

    void handshakeRefused() {
        upgradesRefused.increment();
        handshakesRefused.increment();
    }

    /** A frame was refused by its connection's rate limit. */
    void rateLimited() {
        rateLimited.increment();
    }

    void requestTimedOut() {
        requestsTimedOut.increment();
    }

    void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** A session's expiry armed a timer. */
    void sessionTimerArmed() {
        sessionTimers.incrementAndGet();
    }

    /** A session's timer fired or was cancelled before it could. */
    void sessionTimerDone() {
        sessionTimers.decrementAndGet();
    }

    /** Session timers armed now, over every connection. */
    int sessionTimers() {
        return sessionTimers.get();
    }

    void closed(CloseCode code) {
        closes.get(code).increment();
    }

    /** Records how long a request of {@code type} took, from frame to reply. */
    void request(String type, long nanos) {
        requestTimers.computeIfAbsent(type, t -> Timer.builder("gamestate.requests").tag("type", t)
                .description("request latency, frame received to reply queued")
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
