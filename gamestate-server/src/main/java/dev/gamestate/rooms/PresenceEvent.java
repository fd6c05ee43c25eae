package dev.gamestate.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gamestate.event.PushPayload;
import java.util.List;

/**
 * The payload of a pushed {@code core.game.state.presence} event: who joined and who left a room
 * since this node's previous presence event of it (or its {@code presence} reply). A user joins with
 * its first session in the room on any node and leaves with its last; a user is never in both lists.
 *
 * @param room     the room
 * @param joined   users now in the room who were not; absent when none
 * @param left     users no longer in the room; absent when none
 * @param count    how many users are in the room now (an estimate when not {@code complete})
 * @param complete false when the room just passed {@code presence.maxMembers}: forget the list, only
 *                 counts follow; true again (with every user in {@code joined}) once it is back under
 */
public record PresenceEvent(String room,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> joined,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> left,
                            long count, boolean complete) implements PushPayload {

    /** Keeps immutable copies. */
    public PresenceEvent {
        joined = List.copyOf(joined);
        left = List.copyOf(left);
    }
}
