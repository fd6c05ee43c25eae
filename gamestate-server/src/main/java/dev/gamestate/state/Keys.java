package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * The etcd key layout, all under {@code etcd.keyPrefix}. {@code docs/etcd-layout.md} describes each
 * key's owner, lifetime and size bound; keep the two in step.
 */
public final class Keys {

    /** Sequence numbers are zero-padded to this many digits so that key order is seq order. */
    private static final int SEQ_DIGITS = 20;
    private static final String ZEROS = "0".repeat(SEQ_DIGITS);

    private final String prefix;

    /** Keys under {@code prefix}, which starts and ends with '/'. */
    public Keys(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix itself. */
    public String prefix() {
        return prefix;
    }

    /** A node's registration; under the node's lease. */
    public String node(String nodeId) {
        return prefix + "nodes/" + nodeId;
    }

    /** All node registrations. */
    public String nodes() {
        return prefix + "nodes/";
    }

    /** One live session's metadata; under its node's lease. */
    public String session(Namespace ns, String userId, String sessionId) {
        return sessions(ns, userId) + sessionId;
    }

    /** Every live session of one user. */
    public String sessions(Namespace ns, String userId) {
        return prefix + "sessions/" + ns.wire() + "/" + segment(userId) + "/";
    }

    /**
     * Which user a live session belongs to, by session id alone (for the admin API's kick); under its
     * node's lease, like the session's record.
     */
    public String sessionOwner(String sessionId) {
        return prefix + "session-ids/" + sessionId;
    }

    /** Every live session in the cluster. */
    public String allSessions() {
        return prefix + "sessions/";
    }

    /** A room's current state and seq. */
    public String roomState(Namespace ns, String room) {
        return prefix + "rooms/" + ns.wire() + "/" + room;
    }

    /** Everything a node watches: room logs, user notifications, inboxes. */
    public String stream() {
        return prefix + "stream/";
    }

    /** One event of a room's history. */
    public String roomEvent(Namespace ns, String room, long seq) {
        return roomLog(ns, room) + paddedSeq(seq);
    }

    /** {@code seq} in {@value #SEQ_DIGITS} digits, zero-padded (by hand: this is on every append). */
    static String paddedSeq(long seq) {
        String digits = Long.toString(seq);
        return digits.length() >= SEQ_DIGITS ? digits : ZEROS.substring(digits.length()) + digits;
    }

    /** A room's whole history. */
    public String roomLog(Namespace ns, String room) {
        return stream() + "rooms/" + ns.wire() + "/" + room + "/";
    }

    /** The key whose every revision is one push to a user's live sessions. */
    public String userNotify(Namespace ns, String userId) {
        return stream() + "users/" + ns.wire() + "/" + segment(userId);
    }

    /** One message waiting in a user's inbox. */
    public String inboxMessage(Namespace ns, String userId, String messageId) {
        return inbox(ns, userId) + messageId;
    }

    /** A user's inbox. */
    public String inbox(Namespace ns, String userId) {
        return stream() + "inbox/" + ns.wire() + "/" + segment(userId) + "/";
    }

    /** The records of a room's idempotent appends (broadcasts with a requestId). */
    public String roomRequests(Namespace ns, String room) {
        return prefix + "requests/rooms/" + ns.wire() + "/" + room + "/";
    }

    /** The record of one idempotent append: a user's requestId in a room. */
    public String roomRequest(Namespace ns, String room, String userId, String requestId) {
        return roomRequests(ns, room) + segment(userId) + "/" + requestId;
    }

    /** Every node's subscriber count of a room; a node's own is this + its node id. */
    public String subscriptions(Namespace ns, String room) {
        return prefix + "subscriptions/" + ns.wire() + "/" + room + "/";
    }

    /** A catalog entry. */
    public String good(String goodId) {
        return prefix + "catalog/" + goodId;
    }

    /** The whole catalog. */
    public String catalog() {
        return prefix + "catalog/";
    }

    /** A good's remaining stock (only for goods with a stock). */
    public String stock(String goodId) {
        return prefix + "stock/" + goodId;
    }

    /** A player's wallet: balances and inventory. */
    public String wallet(String userId) {
        return prefix + "wallets/" + segment(userId);
    }

    /** The record of one purchase, keyed by the client's request id. */
    public String purchase(String userId, String requestId) {
        return prefix + "purchases/" + segment(userId) + "/" + requestId;
    }

    /** The record of one admin credit, keyed by the caller's request id. */
    public String credit(String userId, String requestId) {
        return prefix + "credits/" + segment(userId) + "/" + requestId;
    }

    /**
     * A user id made safe as one key segment: '%' and '/' are percent-encoded, so no id can reach
     * into another's keys.
     */
    public static String segment(String userId) {
        if (userId.indexOf('/') < 0 && userId.indexOf('%') < 0) {
            return userId;
        }
        return userId.replace("%", "%25").replace("/", "%2F");
    }

    /** The inverse of {@link #segment}. */
    public static String unsegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        return segment.replace("%2F", "/").replace("%25", "%");
    }

    /** A key or value as etcd bytes. */
    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Bytes as etcd bytes, without copying twice. */
    public static ByteSequence bytes(byte[] value) {
        return ByteSequence.from(value);
    }
}
