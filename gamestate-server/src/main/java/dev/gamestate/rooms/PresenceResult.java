package dev.gamestate.rooms;

import dev.gamestate.event.AckResult;
import java.util.List;

/**
 * The ack of {@code presence}: who is in the room, over every node, as this node last told its
 * subscribers ({@code core.game.state.presence} events carry the changes after it).
 *
 * @param room     the room
 * @param members  every user in the room with its sessions there, by user id; empty when not
 *                 {@code complete}
 * @param count    how many users are in the room; when not {@code complete}, an estimate (a user
 *                 connected through two nodes counts twice)
 * @param complete false when the room has more users than {@code presence.maxMembers}: then only
 *                 {@code count} is given
 */
public record PresenceResult(String room, List<Member> members, long count, boolean complete) implements AckResult {

    /** Keeps an immutable copy. */
    public PresenceResult {
        members = List.copyOf(members);
    }

    /**
     * One user in the room.
     *
     * @param userId   the user
     * @param sessions its sessions subscribed to the room, on every node
     */
    public record Member(String userId, int sessions) {
    }
}
