package dev.gamestate.state;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys this node owns under its lease (session records, room subscriber counts), written in batched
 * etcd transactions: many connections' writes share one Txn instead of one request each.
 *
 * <p>A write that arrives while etcd is idle goes out at once (one round trip, no timer); writes that
 * arrive while a Txn is in flight wait and leave together when it finishes, at most
 * {@link PendingWrites#MAX_TXN_OPS} ops and about 1 MiB per Txn. Only when a full Txn's worth waits
 * does another go out beside the one in flight, up to {@link #MAX_IN_FLIGHT}: a trickle of writes
 * still shares few Txns, while under a connection storm a node commits up to {@code MAX_IN_FLIGHT ×
 * 64} session records per etcd round trip, not 64 (etcd commits concurrent Txns in one raft round
 * and fsync). A later write to a key that is still waiting replaces the earlier one; a key carried by
 * a Txn in flight waits for that Txn before it goes out again, so writes to one key apply in order.
 *
 * <p>A Txn that fails answers its callers with the failure and is tried again after a jittered,
 * exponentially growing pause: one retry pending at a time, whatever the number of keys, and one Txn
 * in flight until etcd takes one again; a newer write to a key wins over the retried one. Puts carry
 * the lease current when the Txn is built, so writes retried across a lease renewal land under the
 * new lease.
 */
public final class NodeRecords {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRecords.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /** Txns in flight at once, as many as the room committer's. */
    static final int MAX_IN_FLIGHT = 4;
    /** Waiting keys that fill a Txn (a put and a count each): only then may a second Txn go out. */
    private static final int FULL_BATCH = PendingWrites.MAX_TXN_OPS / 2;

    private final Etcd etcd;
    private final NodeLease lease;
    private final String name;
    private final int bound;
    private final PendingWrites pending;
    private final AtomicLong txns = new AtomicLong();
    private final AtomicLong failedTxns = new AtomicLong();
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong largestBatch = new AtomicLong();

    // Guarded by this.
    private int inFlight;
    private final Set<String> keysInFlight = new HashSet<>();
    private boolean backingOff; // a retry is scheduled; nothing goes out until it runs
    private int failuresInARow;

    /**
     * Records named {@code name} (in logs and metrics), at most {@code bound} keys waiting; puts hang
     * on {@code lease}.
     */
    public NodeRecords(Etcd etcd, NodeLease lease, String name, int bound) {
        this.etcd = etcd;
        this.lease = lease;
        this.name = name;
        this.bound = bound;
        this.pending = new PendingWrites(bound);
    }

    /** Puts {@code value} at {@code key} under the node lease; completes once etcd committed it. */
    public CompletableFuture<Void> put(String key, byte[] value) {
        return submit(key, () -> Optional.of(value), "").thenApply(count -> null);
    }

    /**
     * Puts {@code value} at {@code key} and, in the same Txn, counts the keys under
     * {@code countPrefix} (a count-only read, at most one key looked at). Completes with 0 when there
     * are none, with a positive number when there are some; also with 0 when a delete of {@code key}
     * replaced this put before it went out (nothing was read).
     */
    public CompletableFuture<Long> putAndCount(String key, byte[] value, String countPrefix) {
        return submit(key, () -> Optional.of(value), countPrefix);
    }

    /**
     * Like {@link #putAndCount}, with the value read from {@code current} when the batch is built
     * (empty: delete the key, and count nothing).
     */
    public CompletableFuture<Long> refreshAndCount(String key, Supplier<Optional<byte[]>> current, String countPrefix) {
        return submit(key, current, countPrefix);
    }

    /** Deletes {@code key}; completes once etcd committed it. */
    public CompletableFuture<Void> delete(String key) {
        return submit(key, Optional::empty, "").thenApply(count -> null);
    }

    /**
     * Writes whatever {@code current} says when the batch is built: a value to put, or empty to delete
     * the key. For values that change often (counts): however many times a key is refreshed while it
     * waits, one op writes its latest value.
     */
    public CompletableFuture<Void> refresh(String key, Supplier<Optional<byte[]>> current) {
        return submit(key, current, "").thenApply(count -> null);
    }

    /** Transactions sent to etcd, failed ones included. */
    public long txns() {
        return txns.get();
    }

    /** Transactions that failed (and were retried). */
    public long failedTxns() {
        return failedTxns.get();
    }

    /** Ops sent in all transactions (puts, deletes and counts). */
    public long ops() {
        return ops.get();
    }

    /** Writes refused because {@link #bound()} keys were waiting. */
    public long refused() {
        return refused.get();
    }

    /** The most ops one Txn carried. */
    public long largestBatch() {
        return largestBatch.get();
    }

    /** Keys waiting to go out. */
    public synchronized int queued() {
        return pending.size();
    }

    /** The most keys that may wait. */
    public int bound() {
        return bound;
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    private CompletableFuture<Long> submit(String key, Supplier<Optional<byte[]>> value, String countPrefix) {
        PendingWrites.Entry entry = new PendingWrites.Entry(key, value, countPrefix);
        CompletableFuture<Long> done = new CompletableFuture<>();
        entry.waiters.add(done);
        List<PendingWrites.Resolved> batch;
        synchronized (this) {
            if (!pending.offer(entry)) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE,
                        "too many " + name + " writes waiting for etcd (" + bound + ")", 1000));
            }
            batch = nextBatch();
        }
        send(batch);
        return done;
    }

    /**
     * Takes the next batch when another Txn may go out: when none is in flight, or when a full one
     * waits and fewer than {@link #MAX_IN_FLIGHT} are (one at a time while etcd is failing); marks it
     * in flight. Empty when nothing goes now.
     */
    private List<PendingWrites.Resolved> nextBatch() {
        int limit = failuresInARow > 0 ? 1 : MAX_IN_FLIGHT;
        boolean another = inFlight == 0 || (inFlight < limit && pending.size() >= FULL_BATCH);
        if (backingOff || !another || pending.isEmpty()) {
            return List.of();
        }
        List<PendingWrites.Resolved> batch = pending.take(keysInFlight);
        if (!batch.isEmpty()) {
            inFlight++;
            txns.incrementAndGet(); // counted as it leaves the queue: queued() and txns() agree
            batch.forEach(r -> keysInFlight.add(r.entry().key));
        }
        return batch;
    }

    /** Marks {@code batch} as finished; on the lock. */
    private void landed(List<PendingWrites.Resolved> batch) {
        inFlight--;
        batch.forEach(r -> keysInFlight.remove(r.entry().key));
    }

    private void send(List<PendingWrites.Resolved> batch) {
        if (batch.isEmpty()) {
            return;
        }
        PutOption leased = lease.putOption();
        List<Op> txnOps = new ArrayList<>(batch.size() + 8);
        GetOption countOne = GetOption.builder().isPrefix(true).withCountOnly(true).withLimit(1).build();
        for (PendingWrites.Resolved r : batch) {
            var key = Keys.bytes(r.entry().key);
            txnOps.add(r.value().isPresent()
                    ? Op.put(key, Keys.bytes(r.value().get()), leased)
                    : Op.delete(key, DeleteOption.DEFAULT));
            if (r.count()) {
                txnOps.add(Op.get(Keys.bytes(r.entry().countPrefix), countOne));
            }
        }
        ops.addAndGet(txnOps.size());
        largestBatch.accumulateAndGet(txnOps.size(), Math::max);
        Op[] array = txnOps.toArray(Op[]::new);
        etcd.call(EtcdOp.TXN, () -> etcd.kv().txn().Then(array).commit())
                .whenComplete((response, error) -> finished(batch, response, error));
    }

    private void finished(List<PendingWrites.Resolved> batch, TxnResponse response, Throwable error) {
        if (error == null) {
            List<List<PendingWrites.Resolved>> next = new ArrayList<>();
            synchronized (this) {
                landed(batch);
                failuresInARow = 0;
                for (var b = nextBatch(); !b.isEmpty(); b = nextBatch()) {
                    next.add(b);
                }
            }
            next.forEach(this::send); // before answering: the next Txns are on their way while callers run
            answer(batch, response);
            return;
        }
        failedTxns.incrementAndGet();
        GameException failure = Etcd.unavailable(error);
        if (lease.released()) {
            // The node is shutting down and its keys go with the lease: nothing left worth retrying.
            synchronized (this) {
                landed(batch);
                backingOff = true; // for good: nothing goes out any more
            }
            batch.forEach(r -> r.entry().waiters.forEach(w -> w.completeExceptionally(failure)));
            return;
        }
        long delay = -1;
        synchronized (this) {
            landed(batch);
            pending.retry(batch);
            failuresInARow++;
            if (!backingOff) { // Txns in flight together may fail together: one retry is enough
                backingOff = true;
                long ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(16, failuresInARow - 1));
                delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
            }
        }
        if (delay >= 0) {
            LOG.warn("{} records: a Txn of {} writes failed ({}); trying again in {} ms, later writes wait."
                    + CHECK_ETCD, name, batch.size(), error.getMessage(), delay);
            // Nothing else goes out until this one retry does.
            try {
                lease.scheduler().schedule(this::retryNow, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the node is shutting down: nothing left to retry for
            }
        }
        batch.forEach(r -> r.entry().waiters.forEach(w -> w.completeExceptionally(failure)));
    }

    private void retryNow() {
        List<PendingWrites.Resolved> batch;
        synchronized (this) {
            backingOff = false;
            batch = nextBatch();
        }
        send(batch);
    }

    private static void answer(List<PendingWrites.Resolved> batch, TxnResponse response) {
        var counts = response.getGetResponses();
        int next = 0;
        for (PendingWrites.Resolved r : batch) {
            long count = r.count() ? counts.get(next++).getCount() : 0;
            r.entry().waiters.forEach(w -> w.complete(count));
        }
    }
}
