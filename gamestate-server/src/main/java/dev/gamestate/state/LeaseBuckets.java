package dev.gamestate.state;

import io.etcd.jetcd.options.PutOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared leases that make keys expire after at least {@code ttl}, without one lease per key. Time is
 * cut into windows of {@code ttl / 16} (at least a second); the keys put during one window share a
 * lease granted for {@code ttl + window}, so each key lives between {@code ttl} and
 * {@code ttl + window}. The leases are never kept alive nor revoked: what they carry must outlive
 * this node.
 */
public final class LeaseBuckets {

    private static final int WINDOWS_PER_TTL = 16;

    private final Etcd etcd;
    private final Clock clock;
    private final long windowMillis;
    private final long leaseSeconds;
    private final Map<Long, CompletableFuture<Long>> leases = new ConcurrentHashMap<>();

    /** Leases for keys that must live at least {@code ttl}. */
    public LeaseBuckets(Etcd etcd, Duration ttl, Clock clock) {
        this.etcd = etcd;
        this.clock = clock;
        this.windowMillis = Math.max(1000, ttl.toMillis() / WINDOWS_PER_TTL);
        this.leaseSeconds = Math.ceilDiv(ttl.toMillis() + windowMillis, 1000);
    }

    /** Put options attaching a key to the lease of the current window; grants it on first use. */
    public CompletableFuture<PutOption> putOption() {
        long window = clock.millis() / windowMillis;
        CompletableFuture<Long> lease = leases.get(window);
        if (lease == null) {
            // Earlier windows are done: their leases run out in etcd on their own.
            leases.keySet().removeIf(other -> other < window);
            lease = leases.computeIfAbsent(window, w ->
                    etcd.call(EtcdOp.LEASE_GRANT, () -> etcd.lease().grant(leaseSeconds))
                            .thenApply(grant -> grant.getID()));
        }
        CompletableFuture<Long> granted = lease;
        return granted.handle((id, error) -> {
            if (error != null) {
                leases.remove(window, granted);
                throw Etcd.unavailable(error);
            }
            return PutOption.builder().withLeaseId(id).build();
        });
    }

    /** Forgets {@code leaseId}, which etcd no longer knows; the next put grants a fresh one. */
    public void forget(long leaseId) {
        leases.values().removeIf(f -> f.isDone() && !f.isCompletedExceptionally() && f.join() == leaseId);
    }

    /**
     * True when {@code error} says a put referred to a lease etcd no longer has (it expired or was
     * revoked), so the put is worth one retry with a fresh lease.
     */
    public static boolean isLeaseGone(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("lease not found")) {
                return true;
            }
        }
        return false;
    }
}
