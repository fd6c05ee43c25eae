package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link RoomLog} on jetcd's KV client, read in pages of 128 entries (responses stay small). */
final class EtcdRoomLog implements RoomLog {

    private static final int LOG_PAGE = 128;

    private final Etcd etcd;

    EtcdRoomLog(Etcd etcd) {
        this.etcd = etcd;
    }

    @Override
    public CompletableFuture<List<Entry>> read(Namespace ns, String room, long from, long to) {
        List<Entry> entries = new ArrayList<>();
        return readPage(ns, room, from, to, entries).thenApply(v -> entries);
    }

    private CompletableFuture<Void> readPage(Namespace ns, String room, long from, long to, List<Entry> into) {
        if (from > to) {
            return CompletableFuture.completedFuture(null);
        }
        ByteSequence start = Keys.bytes(etcd.keys().roomEvent(ns, room, from));
        GetOption range = GetOption.builder()
                .withRange(Keys.bytes(etcd.keys().roomEvent(ns, room, to + 1)))
                .withLimit(LOG_PAGE)
                .build();
        return etcd.call(() -> etcd.kv().get(start, range)).thenCompose(r -> {
            for (KeyValue kv : r.getKvs()) {
                into.add(new Entry(seqOf(kv.getKey()), kv.getValue().getBytes()));
            }
            if (!r.isMore() || r.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return readPage(ns, room, into.getLast().seq() + 1, to, into);
        });
    }

    private static long seqOf(ByteSequence key) {
        String text = key.toString(StandardCharsets.UTF_8);
        return Long.parseLong(text.substring(text.lastIndexOf('/') + 1));
    }
}
