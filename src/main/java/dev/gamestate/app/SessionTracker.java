package dev.gamestate.app;

import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.SessionDirectory.SessionRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each session's metadata to etcd as it opens and removes it as it closes, and only then tells
 * the services: a direct message sent after the record exists finds the session live, one sent before
 * lands in the inbox that the services drain once told.
 */
final class SessionTracker implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTracker.class);

    private final SessionDirectory directory;
    private final String nodeId;
    private final Clock clock;
    private final List<ConnectionListener> services;
    private final Map<String, SessionRecord> records = new ConcurrentHashMap<>();

    SessionTracker(SessionDirectory directory, String nodeId, Clock clock, List<ConnectionListener> services) {
        this.directory = directory;
        this.nodeId = nodeId;
        this.clock = clock;
        this.services = List.copyOf(services);
    }

    @Override
    public void opened(Connection connection) {
        SessionRecord record = new SessionRecord(connection.sessionId(), connection.userId(),
                connection.namespace(), nodeId, clock.instant());
        records.put(connection.sessionId(), record);
        directory.add(record).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("could not record {} in etcd: {}", connection, error.getMessage());
            }
            if (!records.containsKey(connection.sessionId())) {
                directory.remove(record); // closed while the record was being written
            } else if (connection.isOpen()) {
                services.forEach(s -> s.opened(connection));
            }
        });
    }

    @Override
    public void drained(Connection connection) {
        services.forEach(s -> s.drained(connection));
    }

    @Override
    public void closed(Connection connection) {
        services.forEach(s -> s.closed(connection));
        SessionRecord record = records.remove(connection.sessionId());
        if (record != null) {
            directory.remove(record).exceptionally(error -> {
                LOG.warn("could not remove {} from etcd (the lease will): {}", connection, error.getMessage());
                return null;
            });
        }
    }
}
