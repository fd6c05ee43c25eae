package dev.gamestate.app;

import dev.gamestate.rooms.FanoutTimings;
import dev.gamestate.rooms.RoomService;
import dev.gamestate.rooms.SnapshotReason;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.store.StoreCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Meters of the services that explain a node's behaviour to an operator: room fan-out (watch lag,
 * recipients per event, resyncs), the watch stream's restarts, the node lease's re-grants, and the
 * store's purchases and credits by outcome. Histograms have fixed, few buckets.
 */
final class ServiceMetrics {

    /** Watch lag buckets: a healthy cluster delivers within tens of ms; seconds mean a backlog. */
    static final Duration[] LAG_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
    };
    /** Recipients per room event on one node. */
    static final double[] RECIPIENT_BUCKETS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000};

    private ServiceMetrics() {
    }

    /** Watch lag, recipients per room event and resyncs, from {@code rooms}. */
    static void bindRooms(MeterRegistry registry, RoomService rooms) {
        Timer lag = Timer.builder("gamestate.watch.lag")
                .description("room events, from their timestamp (accepted by the writing node) to fan-out here")
                .serviceLevelObjectives(LAG_BUCKETS).register(registry);
        DistributionSummary recipients = DistributionSummary.builder("gamestate.fanout.recipients")
                .description("subscribers on this node a room event was handed to, per event").baseUnit("recipients")
                .serviceLevelObjectives(RECIPIENT_BUCKETS).register(registry);
        rooms.meterFanout(new FanoutTimings() {
            @Override
            public void roomEvent(long lagMillis, int count) {
                if (lagMillis >= 0) {
                    lag.record(lagMillis, TimeUnit.MILLISECONDS);
                }
                recipients.record(count);
            }
        });
        for (SnapshotReason reason : SnapshotReason.values()) {
            FunctionCounter.builder("gamestate.room.resyncs", rooms, r -> r.resyncs(reason))
                    .tag("reason", reason.wire())
                    .description("subscriptions brought up to date by a fresh read of their room, by why")
                    .register(registry);
        }
    }

    /** {@code gamestate_watch_streams_started_total}: the first, then one per restart. */
    static void bindWatchStream(MeterRegistry registry, SharedWatchStream stream) {
        FunctionCounter.builder("gamestate.watch.streams.started", stream, SharedWatchStream::streamsStarted)
                .description("watch streams opened to etcd: the first, then one per restart after a failure")
                .register(registry);
    }

    /** {@code gamestate_lease_regrants_total}. */
    static void bindLease(MeterRegistry registry, NodeLease lease) {
        Counter regrants = Counter.builder("gamestate.lease.regrants")
                .description("times the node lease was lost or went silent and a new one was granted")
                .register(registry);
        lease.onRenewal(id -> regrants.increment());
    }

    /** {@code gamestate_purchases_total{outcome}}, {@code gamestate_credits_total{outcome}}, wallet conflicts. */
    static void bindStore(MeterRegistry registry, StoreCounters store) {
        for (String outcome : StoreCounters.OUTCOMES) {
            FunctionCounter.builder("gamestate.purchases", store, s -> s.purchases(outcome)).tag("outcome", outcome)
                    .description("buy_good requests by outcome: ok, replayed, or the error code").register(registry);
            FunctionCounter.builder("gamestate.credits", store, s -> s.credits(outcome)).tag("outcome", outcome)
                    .description("admin credits by outcome: ok, replayed, or the error code").register(registry);
        }
        FunctionCounter.builder("gamestate.wallet.conflicts", store, StoreCounters::conflicts)
                .description("wallet transactions that lost their compare to a concurrent writer and ran again")
                .register(registry);
    }
}
