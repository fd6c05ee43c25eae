package dev.gamestate.app;

import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.SessionDirectory.SessionRecord;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each session's metadata to etcd as it opens and removes it as it closes, and only then tells
 * the services: a direct message sent after the record exists finds the session live, one sent before
 * lands in the inbox, which is delivered once the services are told.
 *
 * <p>The record's transaction also looks whether the user's inbox holds anything at that revision;
 * only then is the inbox read and delivered ({@code inbox} is handed the answer as a future when the
 * connection opens). A message kept after that revision reaches the session through the node's
 * watch. When the transaction failed, nothing is known, so the inbox is read.
 */
final class SessionTracker implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTracker.class);

    private final SessionDirectory directory;
    private final String nodeId;
    private final Clock clock;
    private final List<ConnectionListener> services;
    private final BiConsumer<Connection, CompletableFuture<Boolean>> inbox;

    SessionTracker(SessionDirectory directory, String nodeId, Clock clock, List<ConnectionListener> services,
                   BiConsumer<Connection, CompletableFuture<Boolean>> inbox) {
        this.directory = directory;
        this.nodeId = nodeId;
        this.clock = clock;
        this.services = List.copyOf(services);
        this.inbox = inbox;
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
        return directory.open(record).handle((waiting, error) -> {
            if (error != null) {
                LOG.warn("could not record {} in etcd: {}", connection, error.getMessage());
            }
            // Closed meanwhile: closed() removed the record (the directory deletes it after any put).
            boolean open = directory.local(connection.sessionId()).isPresent() && connection.isOpen();
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
                LOG.error("{} failed on open of {}", service.getClass().getSimpleName(), connection, e);
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
        directory.local(connection.sessionId()).ifPresent(record -> directory.remove(record).exceptionally(error -> {
            LOG.warn("could not remove {} from etcd (the lease will): {}", connection, error.getMessage());
            return null;
        }));
    }
}
