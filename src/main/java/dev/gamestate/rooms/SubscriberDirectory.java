package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.Keys;
import dev.gamestate.state.NodeLease;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every subscription in the cluster, as {@code <prefix>subscriptions/<ns>/<room>/<sessionId>} = node
 * id, under the node's lease: a dead node's subscriptions vanish with it. Only counted (admin API);
 * delivery never reads it.
 */
final class SubscriberDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberDirectory.class);
    /** A Txn holds at most 128 ops. */
    private static final int MAX_TXN_OPS = 128;

    private final Etcd etcd;
    private final NodeLease lease;
    private final String nodeId;

    /** Writes under {@code lease}; {@code current} lists what to write again when the lease is renewed. */
    SubscriberDirectory(Etcd etcd, NodeLease lease, String nodeId, Supplier<Collection<Subscription>> current) {
        this.etcd = etcd;
        this.lease = lease;
        this.nodeId = nodeId;
        lease.onRenewal(id -> current.get().forEach(sub -> put(sub, lease.putOption())
                .exceptionally(e -> {
                    LOG.warn("could not record subscription to {} again: {}", sub.room(), e.getMessage());
                    return null;
                })));
    }

    /** Records {@code sub}. */
    CompletableFuture<Void> add(Subscription sub) {
        return put(sub, lease.putOption());
    }

    /** Removes the records of {@code subs}, in as few transactions as the op limit allows. */
    CompletableFuture<Void> remove(Collection<Subscription> subs) {
        List<Op> deletes = new ArrayList<>();
        subs.forEach(sub -> deletes.add(Op.delete(Keys.bytes(key(sub)), DeleteOption.DEFAULT)));
        List<CompletableFuture<?>> txns = new ArrayList<>();
        for (int from = 0; from < deletes.size(); from += MAX_TXN_OPS) {
            Op[] batch = deletes.subList(from, Math.min(deletes.size(), from + MAX_TXN_OPS)).toArray(Op[]::new);
            txns.add(etcd.call(() -> etcd.kv().txn().Then(batch).commit()));
        }
        return CompletableFuture.allOf(txns.toArray(CompletableFuture[]::new));
    }

    /** How many sessions are subscribed to {@code room}, on all nodes. */
    CompletableFuture<Long> count(Namespace ns, String room) {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(roomPrefix(ns, room)),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build()))
                .thenApply(r -> r.getCount());
    }

    private CompletableFuture<Void> put(Subscription sub, PutOption option) {
        return etcd.call(() -> etcd.kv().put(Keys.bytes(key(sub)), Keys.bytes(nodeId), option)).thenApply(r -> null);
    }

    private String key(Subscription sub) {
        return roomPrefix(sub.namespace(), sub.room()) + Keys.segment(sub.connection().sessionId());
    }

    private String roomPrefix(Namespace ns, String room) {
        return etcd.keys().prefix() + "subscriptions/" + ns.wire() + "/" + room + "/";
    }
}
