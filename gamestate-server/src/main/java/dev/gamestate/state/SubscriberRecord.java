package dev.gamestate.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's record of one room's subscribers, the value at {@link Keys#subscriptions} + node id:
 * how many sessions the node holds in the room and, for presence, which users they are
 * ({@link Listed}) or only how many ({@link Counted}).
 *
 * <p>As stored: {@code {"sessions":3,"members":{"alice":2,"bob":1}}} (listed: user id → sessions),
 * {@code {"sessions":5000,"users":4800}} (counted: the node holds more users than it lists), or the
 * bare decimal session count, which is what a node writes for a room whose presence is off (and the
 * layout before presence, so nodes of either version read each other's counts).
 */
public sealed interface SubscriberRecord {

    /** Sessions subscribed to the room on the node. */
    long sessions();

    /** Distinct users among them; for a bare count, at most {@link #sessions()}. */
    long users();

    /**
     * The node's users in the room, each with its number of sessions there (at least 1).
     *
     * @param members user id → sessions
     */
    record Listed(Map<String, Integer> members) implements SubscriberRecord {

        /** Keeps an immutable copy. */
        public Listed {
            members = Map.copyOf(members);
        }

        @Override
        public long sessions() {
            long sum = 0;
            for (int n : members.values()) {
                sum += n;
            }
            return sum;
        }

        @Override
        public long users() {
            return members.size();
        }
    }

    /**
     * Only counts: the node did not list its users (too many, or presence is off for the room).
     *
     * @param sessions sessions subscribed on the node
     * @param users    distinct users among them
     */
    record Counted(long sessions, long users) implements SubscriberRecord {
    }

    /** The stored value of a record: JSON, members sorted by user id. */
    static byte[] encode(SubscriberRecord record, JsonValues json) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sessions", record.sessions());
        switch (record) {
            case Listed listed -> value.put("members", new TreeMap<>(listed.members()));
            case Counted counted -> value.put("users", counted.users());
        }
        return json.write(value);
    }

    /** The stored value of a bare count, as written for a room whose presence is off. */
    static byte[] encodeCount(long sessions) {
        return Long.toString(sessions).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a stored record. Never fails: a value this node cannot read counts as one session of
     * one unlisted user (as a key of an unknown layout always has).
     */
    static SubscriberRecord decode(byte[] value, JsonValues json) {
        JsonNode node;
        try {
            node = json.mapper().readTree(value);
        } catch (IOException e) {
            return new Counted(1, 1);
        }
        if (node == null) {
            return new Counted(1, 1);
        }
        if (node.isIntegralNumber()) {
            return new Counted(node.asLong(), node.asLong());
        }
        JsonNode members = node.path("members");
        if (members.isObject()) {
            Map<String, Integer> listed = new HashMap<>();
            for (var entry : members.properties()) {
                JsonNode sessions = entry.getValue();
                if (sessions.canConvertToInt() && sessions.isIntegralNumber() && sessions.asInt() > 0) {
                    listed.put(entry.getKey(), sessions.asInt());
                }
            }
            return new Listed(listed);
        }
        JsonNode sessions = node.path("sessions");
        if (!sessions.isIntegralNumber()) {
            return new Counted(1, 1);
        }
        return new Counted(sessions.asLong(), node.path("users").asLong(sessions.asLong()));
    }
}
