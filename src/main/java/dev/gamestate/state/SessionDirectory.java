package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session metadata in etcd, under the node's lease: who is connected where. Direct messages read it
 * to decide between live delivery and the inbox; operators read it to see the cluster.
 */
public final class SessionDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionDirectory.class);

    /**
     * One session's metadata.
     *
     * @param sessionId   the session
     * @param userId      its user
     * @param namespace   its namespace
     * @param node        the node holding the socket
     * @param connectedAt when it connected
     */
    public record SessionRecord(String sessionId, String userId, Namespace namespace, String node,
                                Instant connectedAt) {
    }

    private final Etcd etcd;
    private final NodeLease lease;
    private final JsonValues json;
    private final Map<String, SessionRecord> local = new ConcurrentHashMap<>();

    /** Writes sessions under {@code lease}; rewrites them all when the lease is granted again. */
    public SessionDirectory(Etcd etcd, NodeLease lease, JsonValues json) {
        this.etcd = etcd;
        this.lease = lease;
        this.json = json;
        lease.onRenewal(id -> rewriteAll());
    }

    /** Records a session that just opened. */
    public CompletableFuture<Void> add(SessionRecord session) {
        local.put(session.sessionId(), session);
        return write(session, lease.putOption());
    }

    /** Removes a session that closed. */
    public CompletableFuture<Void> remove(SessionRecord session) {
        local.remove(session.sessionId());
        return etcd.call(() -> etcd.kv().delete(key(session))).thenApply(r -> null);
    }

    /** How many live sessions {@code userId} has in {@code ns}, on any node. */
    public CompletableFuture<Long> countOf(Namespace ns, String userId) {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(etcd.keys().sessions(ns, userId)),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build()))
                .thenApply(r -> r.getCount());
    }

    /** The stored form: the namespace by its wire name, as keys and clients spell it. */
    private record Stored(String sessionId, String userId, String namespace, String node, Instant connectedAt) {
    }

    private CompletableFuture<Void> write(SessionRecord session, PutOption option) {
        Stored stored = new Stored(session.sessionId(), session.userId(), session.namespace().wire(), session.node(),
                session.connectedAt());
        return etcd.call(() -> etcd.kv().put(key(session), Keys.bytes(json.write(stored)), option))
                .thenApply(r -> null);
    }

    private io.etcd.jetcd.ByteSequence key(SessionRecord s) {
        return Keys.bytes(etcd.keys().session(s.namespace(), s.userId(), s.sessionId()));
    }

    private void rewriteAll() {
        PutOption option = lease.putOption();
        LOG.info("writing {} sessions again under the new lease", local.size());
        local.values().forEach(s -> write(s, option).exceptionally(e -> {
            LOG.warn("could not rewrite session {}: {}", s.sessionId(), e.getMessage());
            return null;
        }));
    }
}
