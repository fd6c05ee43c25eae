package dev.gamestate.app;

import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.SessionDirectory.SessionRecord;
import dev.gamestate.state.UserWatches;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each session's metadata to etcd as it opens and removes it as it closes, and only then tells
 * the services: a direct message sent after the record exists finds the session live, one sent before
 * lands in the inbox, which is delivered once the services are told.
 *
 * <p>The record's transaction also looks whether the user's inbox holds anything at that revision;
 * only then is the inbox read and delivered ({@code inbox} is handed the answer as a future when the
 * connection opens). A message kept after that revision reaches the session through the user's
 * watch on this node, which the first session of the user starts before its record is written, at a
 * revision read before it ({@link UserWatches}). When the transaction failed, nothing is known, so the
 * inbox is read. The last session of the user to close here stops the user's watches.
 */
final class SessionTracker implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTracker.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";

    private final SessionDirectory directory;
    private final UserWatches users;
    private final String nodeId;
    private final Clock clock;
    private final List<ConnectionListener> services;
    private final BiConsumer<Connection, CompletableFuture<Boolean>> inbox;
    private final Function<Connection, List<String>> roomsOf;

    SessionTracker(SessionDirectory directory, UserWatches users, String nodeId, Clock clock,
                   List<ConnectionListener> services, BiConsumer<Connection, CompletableFuture<Boolean>> inbox,
                   Function<Connection, List<String>> roomsOf) {
        this.directory = directory;
        this.users = users;
        this.nodeId = nodeId;
        this.clock = clock;
        this.services = List.copyOf(services);
        this.inbox = inbox;
        this.roomsOf = roomsOf;
    }

    @Override
    public void opened(Connection connection) {
        opening(connection);
    }

    /** Completes once the record is committed (or failed) and the services were told. */
    @Override
    public CompletableFuture<Void> opening(Connection connection) {
        SessionRecord record = new SessionRecord(connection.sessionId(), connection.userId(),
                connection.namespace(), nodeId, clock.instant());
        // Handed over before the record's Txn: inbox messages the watch brings meanwhile wait for it.
        CompletableFuture<Boolean> inboxWaiting = new CompletableFuture<>();
        inbox.accept(connection, inboxWaiting);
        // The user's watches first (they never fail), then the record: whatever is committed for the
        // user once the record exists is at or above the watches' start.
        return users.open(connection.namespace(), connection.userId(), connection.sessionId())
                .thenCompose(v -> directory.open(record, () -> roomsOf.apply(connection))).handle((waiting, error) -> {
            if (error != null) {
                LOG.warn("could not record {} in etcd yet ({}); the node retries, and until it lands other nodes do"
                        + " not see the session (direct messages go to the user's inbox)." + CHECK_ETCD, connection,
                        error.getMessage());
            }
            boolean recorded = directory.local(connection.sessionId()).isPresent();
            if (recorded && !connection.isOpen()) {
                // closed() ran while the watches started, before the put: delete after it.
                directory.remove(record);
            }
            boolean open = recorded && connection.isOpen();
            if (open) {
                tell(connection);
            }
            inboxWaiting.complete(open && (error != null || waiting));
            return null;
        });
    }

    private void tell(Connection connection) {
        for (ConnectionListener service : services) {
            try {
                service.opened(connection);
            } catch (RuntimeException e) {
                LOG.error("{} failed to set up {}: the session may miss that service's pushes until it reconnects."
                        + " A bug: report it with this stack trace", service.getClass().getSimpleName(), connection, e);
            }
        }
    }

    @Override
    public void drained(Connection connection) {
        services.forEach(s -> s.drained(connection));
    }

    @Override
    public void closed(Connection connection) {
        services.forEach(s -> s.closed(connection));
        users.close(connection.namespace(), connection.userId(), connection.sessionId());
        directory.local(connection.sessionId()).ifPresent(record -> directory.remove(record).exceptionally(error -> {
            LOG.warn("could not delete the record of {} from etcd ({}); the admin API may list it until this node's"
                    + " lease ends." + CHECK_ETCD, connection, error.getMessage());
            return null;
        }));
    }
}
