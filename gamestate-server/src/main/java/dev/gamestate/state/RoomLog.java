package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reading rooms' event logs ({@code stream/rooms/<ns>/<room>/<seq>}); appends go through the node's
 * {@link RoomCommitter}. Calls that cannot reach etcd fail with {@code unavailable}.
 */
public interface RoomLog {

    /** The logs in {@code etcd}. */
    static RoomLog inEtcd(Etcd etcd) {
        return new EtcdRoomLog(etcd);
    }

    /**
     * One entry of a room's log.
     *
     * @param seq   its seq
     * @param frame the stored event frame
     */
    record Entry(long seq, byte[] frame) {
    }

    /** The entries from {@code from} to {@code to} (both inclusive) still kept, in seq order. */
    CompletableFuture<List<Entry>> read(Namespace ns, String room, long from, long to);
}
