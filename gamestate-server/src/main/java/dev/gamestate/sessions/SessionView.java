package dev.gamestate.sessions;

import java.time.Instant;
import java.util.List;

/**
 * One live session as the admin API shows it.
 *
 * @param sessionId   the session, as its {@code welcome} named it
 * @param userId      its user
 * @param namespace   {@code private} or {@code guest}
 * @param node        the node holding its socket
 * @param connectedAt when it connected
 * @param rooms       the rooms it is subscribed to, in name order (as of its record's last write: it
 *                    follows a subscribe or unsubscribe by about one etcd round trip)
 */
public record SessionView(String sessionId, String userId, String namespace, String node, Instant connectedAt,
                          List<String> rooms) {

    /** Keeps its own copy of the rooms. */
    public SessionView {
        rooms = List.copyOf(rooms);
    }
}
