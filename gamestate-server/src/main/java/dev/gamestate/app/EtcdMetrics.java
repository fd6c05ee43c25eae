package dev.gamestate.app;

import dev.gamestate.state.EtcdOp;
import dev.gamestate.state.EtcdTimings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code gamestate_etcd_request_seconds{op, outcome}}: the latency of every etcd call this node makes,
 * jetcd's and the room commit path's alike, as a histogram per RPC ({@link EtcdOp}) and outcome
 * ({@code ok} or {@code error}). Every meter is registered up front; recording looks one up by index.
 */
final class EtcdMetrics implements EtcdTimings {

    /**
     * Bucket bounds: etcd answers a healthy write in a few ms; anything near a second is trouble, and
     * nothing waits past {@code etcd.requestTimeout} (5 s by default, at most 60 s).
     */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final Timer[] ok;
    private final Timer[] failed;

    EtcdMetrics(MeterRegistry registry) {
        EtcdOp[] ops = EtcdOp.values();
        ok = new Timer[ops.length];
        failed = new Timer[ops.length];
        for (EtcdOp op : ops) {
            ok[op.ordinal()] = timer(registry, op, "ok");
            failed[op.ordinal()] = timer(registry, op, "error");
        }
    }

    private static Timer timer(MeterRegistry registry, EtcdOp op, String outcome) {
        return Timer.builder("gamestate.etcd.request")
                .description("etcd calls from send to answer (or failure, or timeout), by RPC and outcome")
                .tag("op", op.tag()).tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    @Override
    public void call(EtcdOp op, boolean succeeded, long nanos) {
        (succeeded ? ok : failed)[op.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }
}
