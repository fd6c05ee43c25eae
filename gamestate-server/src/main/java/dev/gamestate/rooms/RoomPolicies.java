package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.config.RoomPolicy;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured {@code rooms.policies}, looked up by room, and the checks they impose on clients'
 * requests. Every check runs before anything is written, so a refused request leaves etcd as it was.
 * The admin API is never checked.
 *
 * <p>Nothing is cached per room: room names come from clients, and a cache of them would grow with
 * whatever they send. A lookup walks the few configured entries.
 */
public final class RoomPolicies {

    private final List<RoomPolicy> policies;

    /** Policies in configuration order: the first that fits a room applies. */
    public RoomPolicies(List<RoomPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    /** The policy of {@code room}: the first entry whose glob fits it, else {@link RoomPolicy#DEFAULT}. */
    public RoomPolicy forRoom(String room) {
        for (RoomPolicy policy : policies) {
            if (policy.matches(room)) {
                return policy;
            }
        }
        return RoomPolicy.DEFAULT;
    }

    /**
     * Refuses a subscription the room's policy does not allow: with {@code subscribe: claim}, only a
     * player whose token names the room in its {@code rooms} claim may subscribe, never a guest.
     *
     * @throws GameException {@code forbidden}
     */
    void checkSubscribe(Principal who, String room) {
        if (forRoom(room).subscribe() == RoomPolicy.Subscribe.CLAIM && !who.holdsRoomClaim(room)) {
            throw forbidden("room " + room + " is open only to players whose token names it in its rooms claim");
        }
    }

    /**
     * Refuses a client's publication (a broadcast or a room message) into a room whose policy is
     * {@code broadcast: none}.
     *
     * @throws GameException {@code forbidden}
     */
    public void checkPublish(String room) {
        if (forRoom(room).broadcast() == RoomPolicy.Broadcast.NONE) {
            throw forbidden("only the server publishes in room " + room + " (its policy is broadcast: none)");
        }
    }

    /**
     * Refuses a client's broadcast the room's policy does not allow: any broadcast where it is
     * {@code broadcast: none}; a patch where it is {@code patch: none}; with {@code patch: own}, a patch
     * that touches anything but {@code players.<the sender's userId>}.
     *
     * @throws GameException {@code forbidden}
     */
    void checkBroadcast(Principal who, String room, Optional<JsonNode> patch) {
        checkPublish(room);
        if (patch.isEmpty()) {
            return;
        }
        switch (forRoom(room).patch()) {
            case ANY -> {
            }
            case NONE -> throw forbidden("the state of room " + room
                    + " changes only through the server (its policy is patch: none); send data without a patch");
            case OWN -> {
                if (!touchesOnlyOwn(patch.get(), who.userId())) {
                    throw forbidden("in room " + room + " a player may patch only players." + who.userId()
                            + " (its policy is patch: own)");
                }
            }
        }
    }

    /**
     * True when the merge patch writes nothing outside {@code players.<userId>}: its only key is
     * {@code players}, whose value is an object (anything else would replace every player's part)
     * whose only key is {@code userId}. Under it, anything goes (also {@code null}: leaving the room's
     * state). An empty patch writes nothing.
     */
    static boolean touchesOnlyOwn(JsonNode patch, String userId) {
        for (Map.Entry<String, JsonNode> top : patch.properties()) {
            if (!top.getKey().equals("players") || !top.getValue().isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> player : top.getValue().properties()) {
                if (!player.getKey().equals(userId)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static GameException forbidden(String message) {
        return new GameException(ErrorCode.FORBIDDEN, message);
    }
}
