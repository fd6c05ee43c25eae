package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.options.GetOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session metadata in etcd, under the node's lease: who is connected where. Direct messages read it
 * to decide between live delivery and the inbox; operators read it to see the cluster. Records of
 * many connections share transactions ({@link NodeRecords}).
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

    /**
     * At most this many session writes wait (a few tens of MiB at worst). A node's lease rewrite
     * queues one per live session, so this is also the most sessions a node can rewrite at once.
     */
    private static final int MAX_WAITING_WRITES = 1 << 18;

    private final Etcd etcd;
    private final JsonValues json;
    private final NodeRecords records;
    // The node's live sessions; what a batch writes is read (and encoded) from here. Only the record
    // is kept, not its encoded form: that is needed again only when the lease is granted anew.
    private final Map<String, SessionRecord> local = new ConcurrentHashMap<>();

    /**
     * Writes sessions under {@code lease}, batched; rewrites them all (batched too) when the lease is
     * granted again.
     */
    public SessionDirectory(Etcd etcd, NodeLease lease, JsonValues json) {
        this.etcd = etcd;
        this.json = json;
        this.records = new NodeRecords(etcd, lease, "sessions", MAX_WAITING_WRITES);
        lease.onRenewal(id -> rewriteAll());
    }

    /**
     * Records a session that just opened and, in the same transaction, looks whether its user's inbox
     * holds anything. Completes once etcd committed the record: true when at least one message was
     * waiting at that revision (a message kept after it reaches the session through the watch).
     */
    public CompletableFuture<Boolean> open(SessionRecord session) {
        byte[] value = stored(session);
        local.put(session.sessionId(), session);
        return records.putAndCount(key(session), value, etcd.keys().inbox(session.namespace(), session.userId()))
                .thenApply(count -> count > 0);
    }

    /** Removes a session that closed; completes once etcd deleted the record. */
    public CompletableFuture<Void> remove(SessionRecord session) {
        local.remove(session.sessionId());
        return records.refresh(key(session), current(session.sessionId()));
    }

    /** The record of {@code sessionId} while this node holds it: from {@link #open} until {@link #remove}. */
    public Optional<SessionRecord> local(String sessionId) {
        return Optional.ofNullable(local.get(sessionId));
    }

    /** How many live sessions {@code userId} has in {@code ns}, on any node. */
    public CompletableFuture<Long> countOf(Namespace ns, String userId) {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(etcd.keys().sessions(ns, userId)),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build()))
                .thenApply(r -> r.getCount());
    }

    /** The batched writer of the session records, for its metrics. */
    public NodeRecords records() {
        return records;
    }

    /** The stored form: the namespace by its wire name, as keys and clients spell it. */
    private record Stored(String sessionId, String userId, String namespace, String node, Instant connectedAt) {
    }

    private byte[] stored(SessionRecord s) {
        return json.write(new Stored(s.sessionId(), s.userId(), s.namespace().wire(), s.node(), s.connectedAt()));
    }

    /** The record as the session map holds it when the batch is built: gone means delete. */
    private Supplier<Optional<byte[]>> current(String sessionId) {
        return () -> Optional.ofNullable(local.get(sessionId)).map(this::stored);
    }

    private String key(SessionRecord s) {
        return etcd.keys().session(s.namespace(), s.userId(), s.sessionId());
    }

    private void rewriteAll() {
        LOG.info("writing {} sessions again under the new lease", local.size());
        // Batched and retried by the writer; one that closes meanwhile is deleted instead.
        local.values().forEach(s -> records.refresh(key(s), current(s.sessionId())));
    }
}
