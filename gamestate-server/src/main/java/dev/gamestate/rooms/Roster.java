package dev.gamestate.rooms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who is in a room, as one node tells the room's subscribers: every user with its sessions
 * ({@link Listed}), or, for a room past {@code presence.maxMembers}, only about how many
 * ({@link Crowded}). Immutable; {@link #change} is what a subscriber that knew one must be told to
 * know the next.
 */
sealed interface Roster {

    /** Nobody: what a node knows of a room before it read it. */
    Roster EMPTY = listed(Map.of());

    /** How many users. */
    long count();

    /** The {@code presence} reply for {@code room}. */
    PresenceResult result(String room);

    /**
     * Every user in the room, by user id, with its sessions there.
     *
     * @param members user id → sessions, sorted
     */
    record Listed(SortedMap<String, Integer> members) implements Roster {

        /** Keeps an unmodifiable sorted copy. */
        public Listed {
            members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
        }

        @Override
        public long count() {
            return members.size();
        }

        @Override
        public PresenceResult result(String room) {
            List<PresenceResult.Member> list = new ArrayList<>(members.size());
            members.forEach((user, sessions) -> list.add(new PresenceResult.Member(user, sessions)));
            return new PresenceResult(room, list, members.size(), true);
        }
    }

    /**
     * More users than a roster lists: only a count, an estimate (a user connected through two nodes
     * counts twice).
     *
     * @param count about how many users
     */
    record Crowded(long count) implements Roster {

        @Override
        public PresenceResult result(String room) {
            return new PresenceResult(room, List.of(), count, false);
        }
    }

    /** A listed roster of {@code members} (user id → sessions). */
    static Listed listed(Map<String, Integer> members) {
        return new Listed(new TreeMap<>(members));
    }

    /**
     * The event that brings a subscriber who knew {@code from} to {@code to}, or none when there is
     * nothing to tell: sessions of users already in, and counts of a crowded room, are not pushed.
     * Applied to the list it updates, an event is idempotent (join adds, leave removes).
     */
    static Optional<PresenceEvent> change(String room, Roster from, Roster to) {
        return switch (from) {
            case Listed before -> switch (to) {
                case Listed after -> {
                    List<String> joined = missingFrom(after, before);
                    List<String> left = missingFrom(before, after);
                    yield joined.isEmpty() && left.isEmpty() ? Optional.empty()
                            : Optional.of(new PresenceEvent(room, joined, left, after.count(), true));
                }
                case Crowded after -> Optional.of(new PresenceEvent(room, List.of(), List.of(), after.count(), false));
            };
            case Crowded before -> switch (to) {
                case Listed after -> Optional.of(new PresenceEvent(room, List.copyOf(after.members().keySet()),
                        List.of(), after.count(), true));
                case Crowded after -> Optional.empty();
            };
        };
    }

    /** The users of {@code a} that are not in {@code b}, sorted. */
    private static List<String> missingFrom(Listed a, Listed b) {
        List<String> missing = new ArrayList<>();
        for (String user : a.members().keySet()) {
            if (!b.members().containsKey(user)) {
                missing.add(user);
            }
        }
        return missing;
    }
}
