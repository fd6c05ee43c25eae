package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link InboxStore} on jetcd's KV client, messages under the node's {@link LeaseBuckets}. */
final class EtcdInboxStore implements InboxStore {

    private final Etcd etcd;
    private final LeaseBuckets leases;

    EtcdInboxStore(Etcd etcd, LeaseBuckets leases) {
        this.etcd = etcd;
        this.leases = leases;
    }

    @Override
    public CompletableFuture<Long> count(Namespace ns, String userId) {
        GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(etcd.keys().inbox(ns, userId)), countOnly))
                .thenApply(r -> r.getCount());
    }

    @Override
    public CompletableFuture<LeasedWrite> park(Namespace ns, String userId, String messageId, byte[] frame) {
        ByteSequence key = Keys.bytes(etcd.keys().inboxMessage(ns, userId, messageId));
        // A lease that expired is an answer, not an etcd fault: it is not counted.
        return leases.putOption().thenCompose(option -> etcd.call(EtcdOp.PUT,
                        () -> etcd.kv().put(key, Keys.bytes(frame), option)
                .handle((r, error) -> {
                    if (error == null) {
                        return (LeasedWrite) new Committed(r.getHeader().getRevision());
                    }
                    if (!LeaseBuckets.isLeaseGone(error)) {
                        throw Etcd.unavailable(error);
                    }
                    leases.forget(option.getLeaseId());
                    return new LeaseGone();
                })));
    }

    @Override
    public CompletableFuture<List<Parked>> page(Namespace ns, String userId, String afterKey, int limit) {
        String prefix = etcd.keys().inbox(ns, userId);
        String start = afterKey.isEmpty() ? prefix : afterKey + "\0";
        GetOption range = GetOption.builder()
                .withRange(Keys.bytes(prefixEnd(prefix)))
                .withLimit(limit)
                .build();
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(start), range)).thenApply(r -> r.getKvs().stream()
                .map(kv -> new Parked(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes()))
                .toList());
    }

    @Override
    public CompletableFuture<GuardedWrite> claim(String key) {
        ByteSequence k = Keys.bytes(key);
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .If(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0)))
                        .Then(Op.delete(k, DeleteOption.DEFAULT))
                        .commit())
                .thenApply(r -> r.isSucceeded() ? new Committed(r.getHeader().getRevision()) : Conflict.changed());
    }

    /** The first key after every key that starts with {@code prefix}, which ends in '/'. */
    private static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
    }
}
