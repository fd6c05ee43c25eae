package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** {@link SubscriberCounts} on jetcd's KV client: one prefix read of the room's counts. */
final class EtcdSubscriberCounts implements SubscriberCounts {

    private final Etcd etcd;

    EtcdSubscriberCounts(Etcd etcd) {
        this.etcd = etcd;
    }

    @Override
    public CompletableFuture<Long> total(Namespace ns, String room) {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(etcd.keys().subscriptions(ns, room)),
                        GetOption.builder().isPrefix(true).build()))
                .thenApply(r -> r.getKvs().stream()
                        .mapToLong(kv -> parse(kv.getValue().toString(StandardCharsets.UTF_8)))
                        .sum());
    }

    private static long parse(String count) {
        try {
            return Long.parseLong(count.strip());
        } catch (NumberFormatException e) {
            return 1; // a key of the old layout (one per session, its value the node id): one subscriber
        }
    }
}
