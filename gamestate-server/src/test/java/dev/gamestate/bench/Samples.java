package dev.gamestate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Realistic game data for the benchmarks: a room's state, a move's patch and a broadcast request. */
final class Samples {

    static final String ROOM = "match-1";

    private Samples() {
    }

    /**
     * A match of 8 players: 49 members at the top level, each player an object with a position, stats
     * and an inventory; serialised it is about 2.2 KiB.
     */
    static ObjectNode roomState(ObjectMapper mapper) {
        ObjectNode state = mapper.createObjectNode();
        state.put("map", "harbor").put("mode", "capture-the-flag").put("turn", 42).put("phase", "play")
                .put("startedAt", "2026-11-25T12:00:00.000Z").put("timeLeftMs", 431_250).put("paused", false);
        ObjectNode players = state.putObject("players");
        for (int p = 1; p <= 8; p++) {
            ObjectNode player = players.putObject("p" + p);
            player.put("name", "player-" + p).put("team", p % 2 == 0 ? "red" : "blue")
                    .put("x", p * 3).put("y", p * 5).put("hp", 100 - p).put("score", p * 120).put("alive", true);
            ArrayNode inventory = player.putArray("inventory");
            inventory.add("sword").add("potion").add("shield");
            player.putObject("stats").put("kills", p).put("deaths", p / 2).put("assists", p * 2);
        }
        ObjectNode flags = state.putObject("flags");
        flags.putObject("red").put("x", 2).put("y", 40).put("carrier", "");
        flags.putObject("blue").put("x", 78).put("y", 40).put("carrier", "p3");
        for (int i = 0; i < 40; i++) {
            state.put("setting" + i, i % 3 == 0 ? "on" : Integer.toString(i * 7));
        }
        return state;
    }

    /** One move: a player's position and a turn counter; the kind of patch a game sends many times a second. */
    static ObjectNode movePatch(ObjectMapper mapper) {
        ObjectNode patch = mapper.createObjectNode();
        patch.put("turn", 43).putObject("players").putObject("p3").put("x", 12).put("y", 7);
        patch.putObject("flags").putObject("blue").putNull("carrier");
        return patch;
    }

    /** The {@code data} a broadcast carries along: a small chat-like or effect payload. */
    static JsonNode moveData(ObjectMapper mapper) {
        ObjectNode data = mapper.createObjectNode();
        data.put("effect", "dash").put("from", "p3").putArray("path").add(10).add(11).add(12);
        return data;
    }

    /** A client's {@code core.game.state.broadcast} request frame carrying the move. */
    static String broadcastRequest(ObjectMapper mapper) {
        ObjectNode request = mapper.createObjectNode();
        request.put("id", "r-17").put("type", "core.game.state.broadcast");
        ObjectNode payload = request.putObject("payload");
        payload.put("room", ROOM);
        payload.set("patch", movePatch(mapper));
        payload.set("data", moveData(mapper));
        return request.toString();
    }
}
