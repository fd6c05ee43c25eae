package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link SubscriberCounts} on jetcd's KV client: one prefix read of the room's records. */
final class EtcdSubscriberCounts implements SubscriberCounts {

    private final Etcd etcd;
    private final JsonValues json;

    EtcdSubscriberCounts(Etcd etcd, JsonValues json) {
        this.etcd = etcd;
        this.json = json;
    }

    @Override
    public CompletableFuture<Long> total(Namespace ns, String room) {
        return records(ns, room).thenApply(byNode -> byNode.records().values().stream()
                .mapToLong(SubscriberRecord::sessions)
                .sum());
    }

    @Override
    public CompletableFuture<ByNode> records(Namespace ns, String room) {
        String prefix = etcd.keys().subscriptions(ns, room);
        return etcd.call(EtcdOp.RANGE,
                        () -> etcd.kv().get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).build()))
                .thenApply(r -> {
                    Map<String, SubscriberRecord> byNode = new HashMap<>();
                    r.getKvs().forEach(kv -> byNode.put(kv.getKey().toString(StandardCharsets.UTF_8)
                            .substring(prefix.length()), SubscriberRecord.decode(kv.getValue().getBytes(), json)));
                    return new ByNode(r.getHeader().getRevision(), byNode);
                });
    }
}
