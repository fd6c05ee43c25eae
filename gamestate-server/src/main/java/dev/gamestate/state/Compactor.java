package dev.gamestate.state;

import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps etcd's revision history bounded: every interval it compacts up to the revision it saw one
 * interval earlier. A watch that lags less than one interval can still resume; one that lags more is
 * told so by etcd (per watch, {@link WatchEnd.Compacted}) and resyncs that room's subscribers. Every node runs one; compacting
 * a revision that another node already compacted is harmless.
 */
public final class Compactor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Etcd etcd;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private volatile long previousRevision;
    private volatile ScheduledFuture<?> task;

    /** A compactor that runs every {@code interval} on {@code scheduler}. */
    public Compactor(Etcd etcd, Duration interval, ScheduledExecutorService scheduler) {
        this.etcd = etcd;
        this.interval = interval;
        this.scheduler = scheduler;
    }

    /** Starts the schedule; a zero interval means compaction is someone else's job. */
    public void start() {
        if (interval.isZero()) {
            LOG.info("etcd compaction by gamestate is off (etcd.compactionInterval = 0s)");
            return;
        }
        task = scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One round: compact to the revision of the previous round, then remember the current one. */
    void tick() {
        etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(etcd.keys().nodes()),
                        GetOption.builder().withCountOnly(true).build()))
                .thenCompose(r -> {
                    long current = r.getHeader().getRevision();
                    long target = previousRevision;
                    previousRevision = current;
                    if (target <= 0) {
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    }
                    return etcd.call(EtcdOp.COMPACT, () -> etcd.kv().compact(target)).thenAccept(ok ->
                            LOG.info("compacted etcd history up to revision {}", target));
                })
                .exceptionally(error -> {
                    // Already compacted further by another node, or etcd unreachable: try next round.
                    LOG.debug("compaction round skipped: {}", error.toString());
                    return null;
                });
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }
}
