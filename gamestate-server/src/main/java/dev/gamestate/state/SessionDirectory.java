package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session metadata in etcd, under the node's lease: who is connected where, and to which rooms. Direct
 * messages read it to decide between live delivery and the inbox; the admin API lists and kicks
 * sessions through it; operators read it to see the cluster. Records of many connections share
 * transactions ({@link NodeRecords}).
 *
 * <p>Each session has two keys: its record under its user ({@link Keys#session}) and a key from its id
 * to its user ({@link Keys#sessionOwner}), so that a session named by id alone is found with one read.
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
     * @param rooms       the rooms it is subscribed to, in name order, as of the record's last write
     */
    public record SessionRecord(String sessionId, String userId, Namespace namespace, String node,
                                Instant connectedAt, List<String> rooms) {

        /** Keeps its own copy of the rooms. */
        public SessionRecord {
            rooms = List.copyOf(rooms);
        }

        /** The record of a session that just opened: in no room yet. */
        public SessionRecord(String sessionId, String userId, Namespace namespace, String node, Instant connectedAt) {
            this(sessionId, userId, namespace, node, connectedAt, List.of());
        }
    }

    /**
     * Who a session belongs to.
     *
     * @param namespace its namespace
     * @param userId    its user
     */
    public record Owner(Namespace namespace, String userId) {
    }

    /**
     * At most this many keys wait to be written (a few tens of MiB at worst). A node's lease rewrite
     * queues two per live session, so this is also twice the most sessions a node can rewrite at once.
     */
    private static final int MAX_WAITING_WRITES = 1 << 19;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The most sessions of one user, per namespace, a listing shows. */
    public static final int MAX_LISTED = 1000;

    /** A session this node holds: its record and where its rooms are read when it is written. */
    private record Live(SessionRecord record, Supplier<List<String>> rooms) {
    }

    private final Etcd etcd;
    private final JsonValues json;
    private final NodeRecords records;
    // The node's live sessions; what a batch writes is read (and encoded) from here. Only the record
    // is kept, not its encoded form: that is needed again only when the lease is granted anew.
    private final Map<String, Live> local = new ConcurrentHashMap<>();

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

    /** {@link #open(SessionRecord, Supplier)} for a session whose rooms are not recorded. */
    public CompletableFuture<Boolean> open(SessionRecord session) {
        return open(session, List::of);
    }

    /**
     * Records a session that just opened and, in the same transaction, looks whether its user's inbox
     * holds anything. Completes once etcd committed the record: true when at least one message was
     * waiting at that revision (a message kept after it reaches the session through the watch). The
     * record's rooms are read from {@code rooms} whenever it is written ({@link #roomsChanged}).
     */
    public CompletableFuture<Boolean> open(SessionRecord session, Supplier<List<String>> rooms) {
        local.put(session.sessionId(), new Live(session, rooms));
        // The record first: on a quiet node it leaves at once, while the owner key waits for the next
        // Txn (one round trip later), so the session counts as live no later than without it.
        CompletableFuture<Long> waiting = records.refreshAndCount(key(session), current(session.sessionId()),
                etcd.keys().inbox(session.namespace(), session.userId()));
        records.refresh(etcd.keys().sessionOwner(session.sessionId()), owner(session.sessionId()));
        return waiting.thenApply(count -> count > 0);
    }

    /**
     * The rooms of {@code sessionId} changed: its record is written again (behind the change, batched;
     * several changes while it waits cost one write). Nothing for a session this node does not hold.
     */
    public void roomsChanged(String sessionId) {
        Live live = local.get(sessionId);
        if (live != null) {
            records.refresh(key(live.record()), current(sessionId)).exceptionally(error -> {
                LOG.debug("could not record the rooms of session {}: {}", sessionId, error.getMessage());
                return null;
            });
        }
    }

    /** Removes a session that closed; completes once etcd deleted the record. */
    public CompletableFuture<Void> remove(SessionRecord session) {
        local.remove(session.sessionId());
        CompletableFuture<Void> removed = records.refresh(key(session), current(session.sessionId()));
        records.refresh(etcd.keys().sessionOwner(session.sessionId()), owner(session.sessionId()));
        return removed;
    }

    /** The record of {@code sessionId} while this node holds it: from {@link #open} until {@link #remove}. */
    public Optional<SessionRecord> local(String sessionId) {
        return Optional.ofNullable(local.get(sessionId)).map(Live::record);
    }

    /** How many live sessions {@code userId} has in {@code ns}, on any node. */
    public CompletableFuture<Long> countOf(Namespace ns, String userId) {
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(etcd.keys().sessions(ns, userId)),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build()))
                .thenApply(r -> r.getCount());
    }

    /**
     * The live sessions of {@code userId} on every node, in both namespaces, as etcd holds them at one
     * revision; at most {@link #MAX_LISTED} per namespace, oldest connection first.
     */
    public CompletableFuture<List<SessionRecord>> sessionsOf(String userId) {
        GetOption some = GetOption.builder().isPrefix(true).withLimit(MAX_LISTED).build();
        Op[] gets = new Op[Namespace.values().length];
        for (Namespace ns : Namespace.values()) {
            gets[ns.ordinal()] = Op.get(Keys.bytes(etcd.keys().sessions(ns, userId)), some);
        }
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn().Then(gets).commit()).thenApply(response -> {
            List<SessionRecord> sessions = new ArrayList<>();
            for (GetResponse get : response.getGetResponses()) {
                for (KeyValue kv : get.getKvs()) {
                    sessions.add(json.read(kv.getValue(), Stored.class).record());
                }
            }
            sessions.sort(Comparator.comparing(SessionRecord::connectedAt).thenComparing(SessionRecord::sessionId));
            return sessions;
        });
    }

    /** Who the live session {@code sessionId} belongs to, on whatever node holds it; empty when none does. */
    public CompletableFuture<Optional<Owner>> ownerOf(String sessionId) {
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(etcd.keys().sessionOwner(sessionId))))
                .thenApply(r -> r.getKvs().stream().findFirst().map(kv -> json.read(kv.getValue(), StoredOwner.class))
                        .flatMap(StoredOwner::owner));
    }

    /** The batched writer of the session records, for its metrics. */
    public NodeRecords records() {
        return records;
    }

    /**
     * The stored form: the namespace by its wire name, as keys and clients spell it; the time in UTC
     * with milliseconds, as on the wire.
     */
    private record Stored(String sessionId, String userId, String namespace, String node, String connectedAt,
                          List<String> rooms) {

        static Stored of(SessionRecord s, List<String> rooms) {
            return new Stored(s.sessionId(), s.userId(), s.namespace().wire(), s.node(), TIME.format(s.connectedAt()),
                    rooms);
        }

        SessionRecord record() {
            // A record written before rooms were recorded has none.
            return new SessionRecord(sessionId, userId, Namespace.fromWire(namespace).orElseThrow(), node,
                    Instant.parse(connectedAt), rooms == null ? List.of() : rooms);
        }
    }

    /** The stored form of a session's owner. */
    private record StoredOwner(String namespace, String userId) {

        Optional<Owner> owner() {
            return Namespace.fromWire(namespace).map(ns -> new Owner(ns, userId));
        }
    }

    private byte[] stored(Live live) {
        return json.write(Stored.of(live.record(), live.rooms().get().stream().sorted().toList()));
    }

    /** The record as the session map holds it when the batch is built: gone means delete. */
    private Supplier<Optional<byte[]>> current(String sessionId) {
        return () -> Optional.ofNullable(local.get(sessionId)).map(this::stored);
    }

    /** The owner key's value while the session lives here: gone means delete. */
    private Supplier<Optional<byte[]>> owner(String sessionId) {
        return () -> Optional.ofNullable(local.get(sessionId)).map(live -> json.write(
                new StoredOwner(live.record().namespace().wire(), live.record().userId())));
    }

    private String key(SessionRecord s) {
        return etcd.keys().session(s.namespace(), s.userId(), s.sessionId());
    }

    private void rewriteAll() {
        LOG.info("writing {} sessions again under the new lease", local.size());
        // Batched and retried by the writer; one that closes meanwhile is deleted instead.
        local.values().forEach(live -> {
            SessionRecord s = live.record();
            records.refresh(key(s), current(s.sessionId()));
            records.refresh(etcd.keys().sessionOwner(s.sessionId()), owner(s.sessionId()));
        });
    }
}
