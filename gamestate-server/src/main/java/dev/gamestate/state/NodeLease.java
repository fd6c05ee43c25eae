package dev.gamestate.state;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's lease and its registration under {@code nodes/<nodeId>}. Everything the node owns in
 * etcd (its registration, its sessions) hangs on this lease, so a dead node's keys vanish within the
 * TTL.
 *
 * <p>jetcd's keep-alive can stop without telling anyone, so a watchdog checks when the last
 * keep-alive answer came; when the lease is gone or silent it grants a new one and tells the
 * listeners, which write their keys again under it.
 */
public final class NodeLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";

    private final Etcd etcd;
    private final String nodeId;
    private final byte[] registration;
    private final Duration ttl;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final List<LongConsumer> renewalListeners = new CopyOnWriteArrayList<>();

    private volatile long leaseId;
    private volatile long lastAnswerMillis;
    private volatile CloseableClient keepAlive;
    private volatile boolean closed;
    private volatile boolean regranting;

    /** A lease for {@code nodeId} whose registration value is {@code registration}. */
    public NodeLease(Etcd etcd, String nodeId, String registration, Duration ttl,
                     ScheduledExecutorService scheduler, Clock clock) {
        this.etcd = etcd;
        this.nodeId = nodeId;
        this.registration = registration.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Grants the lease, registers the node and starts keep-alive and the watchdog. */
    public CompletableFuture<Void> start() {
        return grantAndRegister().thenRun(() -> {
            long period = Math.max(200, ttl.toMillis() / 4);
            scheduler.scheduleWithFixedDelay(this::checkHealth, period, period, TimeUnit.MILLISECONDS);
        });
    }

    /** The current lease id; changes when the lease is granted again. */
    public long id() {
        return leaseId;
    }

    /** Called with the new lease id whenever the lease had to be granted again. */
    public void onRenewal(LongConsumer listener) {
        renewalListeners.add(listener);
    }

    /** True once {@link #release} began: the node's keys are going away with the lease. */
    public boolean released() {
        return closed;
    }

    /** Put options that attach a key to the current lease. */
    public PutOption putOption() {
        return PutOption.builder().withLeaseId(leaseId).build();
    }

    private CompletableFuture<Void> grantAndRegister() {
        return etcd.call(EtcdOp.LEASE_GRANT, () -> etcd.lease().grant(ttl.toSeconds()))
                .thenCompose(grant -> {
                    long id = grant.getID();
                    return etcd.call(EtcdOp.PUT, () -> etcd.kv().put(Keys.bytes(etcd.keys().node(nodeId)),
                                    Keys.bytes(registration), PutOption.builder().withLeaseId(id).build()))
                            .thenApply(put -> id);
                })
                .thenAccept(id -> {
                    CloseableClient old = keepAlive;
                    leaseId = id;
                    lastAnswerMillis = clock.millis();
                    keepAlive = etcd.lease().keepAlive(id, new KeepAliveObserver(id));
                    if (old != null) {
                        old.close();
                    }
                    LOG.info("node {} holds lease {} (ttl {})", nodeId, Long.toHexString(id), ttl);
                });
    }

    private void checkHealth() {
        if (closed || regranting) {
            return;
        }
        long silentFor = clock.millis() - lastAnswerMillis;
        // Keep-alives go out every ttl/3; two missed rounds mean the stream is dead or the lease expired.
        if (silentFor > ttl.toMillis() * 2 / 3) {
            LOG.warn("lease {} silent for {} ms (etcd did not answer its keep-alives, or this node was paused);"
                    + " granting a new one and writing the node's records again." + CHECK_ETCD
                    + ", and the node's GC pauses", Long.toHexString(leaseId), silentFor);
            regrant();
        }
    }

    private void regrant() {
        regranting = true;
        grantAndRegister().whenComplete((ok, error) -> {
            regranting = false;
            if (error != null) {
                LOG.warn("could not grant a new lease yet ({}); retrying, and until it succeeds other nodes do not"
                        + " see this node's sessions." + CHECK_ETCD, error.getMessage());
                return;
            }
            for (LongConsumer listener : renewalListeners) {
                try {
                    listener.accept(leaseId);
                } catch (RuntimeException e) {
                    LOG.error("writing the node's records under the new lease failed: some sessions may be missing"
                            + " from etcd until they reconnect. A bug: report it with this stack trace", e);
                }
            }
        });
    }

    /** Stops keep-alive and revokes the lease, so the node's keys leave etcd at once. */
    public CompletableFuture<Void> release() {
        closed = true;
        CloseableClient ka = keepAlive;
        if (ka != null) {
            ka.close();
        }
        return etcd.call(EtcdOp.LEASE_REVOKE, () -> etcd.lease().revoke(leaseId)).handle((r, e) -> {
            if (e != null) {
                LOG.warn("could not revoke lease {} ({}); this node's sessions leave etcd when it expires"
                        + " (etcd.leaseTtl) instead of now", Long.toHexString(leaseId), e.getMessage());
            }
            return null;
        });
    }

    @Override
    public void close() {
        release().join();
    }

    private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {

        private final long id;

        KeepAliveObserver(long id) {
            this.id = id;
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            if (id == leaseId && response.getTTL() > 0) {
                lastAnswerMillis = clock.millis();
            }
        }

        @Override
        public void onError(Throwable error) {
            // The watchdog notices the silence and grants a new lease.
            LOG.warn("keep-alive of lease {} failed ({}); a new lease is granted if it stays silent." + CHECK_ETCD,
                    Long.toHexString(id), error.getMessage());
        }

        @Override
        public void onCompleted() {
            LOG.warn("etcd ended the keep-alive of lease {}; a new lease is granted if it stays silent."
                    + CHECK_ETCD, Long.toHexString(id));
        }
    }

    /**
     * The node's scheduler, which this lease's timers run on; node-scoped retries share it, so they
     * stop when the node shuts it down.
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
