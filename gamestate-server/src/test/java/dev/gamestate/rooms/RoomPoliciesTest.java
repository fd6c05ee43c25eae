package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.RoomGlob;
import dev.gamestate.config.RoomPolicy;
import dev.gamestate.config.RoomPolicy.Broadcast;
import dev.gamestate.config.RoomPolicy.Patch;
import dev.gamestate.config.RoomPolicy.Subscribe;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Which policy a room gets, and what each mode lets a client do there. */
class RoomPoliciesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant LATER = Instant.parse("2100-01-01T00:00:00Z");

    private static final RoomPolicy MATCHES = new RoomPolicy(RoomGlob.of("match-*"), Subscribe.CLAIM, Broadcast.OPEN,
            Patch.OWN, true);
    private static final RoomPolicy ARENAS = new RoomPolicy(RoomGlob.of("arena-?"), Subscribe.OPEN, Broadcast.NONE,
            Patch.NONE, false);
    private static final RoomPolicy BOARDS = new RoomPolicy(RoomGlob.of("board-*"), Subscribe.OPEN, Broadcast.OPEN,
            Patch.NONE, true);
    private static final RoomPolicy ALL_MATCHES_OPEN = new RoomPolicy(RoomGlob.of("match*"), Subscribe.OPEN,
            Broadcast.OPEN, Patch.ANY, false);

    private final RoomPolicies policies = new RoomPolicies(List.of(MATCHES, ARENAS, BOARDS, ALL_MATCHES_OPEN));
    private final Principal alice = Principal.player("alice", LATER, Set.of("match-1"));
    private final Principal bob = Principal.player("bob", LATER);
    private final Principal guest = Principal.guest("guest-0123456789abcdef");

    @Test
    void theFirstEntryThatFitsARoomAppliesAndARoomNoneFitsGetsTheDefault() {
        assertThat(policies.forRoom("match-1")).isSameAs(MATCHES);
        assertThat(policies.forRoom("matchday")).as("an earlier entry does not fit it").isSameAs(ALL_MATCHES_OPEN);
        assertThat(policies.forRoom("arena-7")).isSameAs(ARENAS);
        assertThat(policies.forRoom("arena-77")).isSameAs(RoomPolicy.DEFAULT);
        assertThat(policies.forRoom("lobby")).isSameAs(RoomPolicy.DEFAULT);
        assertThat(policies.forRoom("lobby").presence()).isTrue();
        assertThat(policies.forRoom("arena-7").presence()).isFalse();
        assertThat(new RoomPolicies(List.of()).forRoom("match-1")).isSameAs(RoomPolicy.DEFAULT);
    }

    @Test
    void aClaimRoomLetsInOnlyPlayersWhoseTokenNamesIt() {
        assertThatCode(() -> policies.checkSubscribe(alice, "match-1")).doesNotThrowAnyException();
        assertForbidden(() -> policies.checkSubscribe(alice, "match-2"),
                "room match-2 is open only to players whose token names it in its rooms claim");
        assertForbidden(() -> policies.checkSubscribe(bob, "match-1"),
                "room match-1 is open only to players whose token names it in its rooms claim");
        assertForbidden(() -> policies.checkSubscribe(guest, "match-1"),
                "room match-1 is open only to players whose token names it in its rooms claim");
        assertThatCode(() -> policies.checkSubscribe(guest, "arena-1")).as("an open room").doesNotThrowAnyException();
    }

    @Test
    void aRoomWithBroadcastNoneTakesNoPublicationFromClients() {
        assertForbidden(() -> policies.checkBroadcast(bob, "arena-1", Optional.empty()),
                "only the server publishes in room arena-1 (its policy is broadcast: none)");
        assertForbidden(() -> policies.checkPublish("arena-1"),
                "only the server publishes in room arena-1 (its policy is broadcast: none)");
        assertThatCode(() -> policies.checkPublish("lobby")).doesNotThrowAnyException();
    }

    @Test
    void aRoomWithPatchNoneTakesDataButNoPatch() {
        assertThatCode(() -> policies.checkBroadcast(bob, "board-1", Optional.empty())).doesNotThrowAnyException();
        assertForbidden(() -> policies.checkBroadcast(bob, "board-1", patch("{}")),
                "the state of room board-1 changes only through the server (its policy is patch: none);"
                        + " send data without a patch");
    }

    @Test
    void aRoomWithPatchOwnTakesPatchesOfThePlayersOwnSubtreeOnly() {
        assertThatCode(() -> policies.checkBroadcast(alice, "match-1", patch("{\"players\":{\"alice\":{\"x\":1}}}")))
                .doesNotThrowAnyException();
        assertThatCode(() -> policies.checkBroadcast(alice, "match-1", patch("{\"players\":{\"alice\":null}}")))
                .as("leaving: deleting the own subtree").doesNotThrowAnyException();
        assertThatCode(() -> policies.checkBroadcast(alice, "match-1", patch("{}"))).doesNotThrowAnyException();
        for (String other : List.of("{\"players\":{\"bob\":{\"x\":1}}}", "{\"players\":{\"alice\":1,\"bob\":1}}",
                "{\"score\":1}", "{\"players\":{\"alice\":1},\"phase\":\"end\"}", "{\"players\":null}",
                "{\"players\":[1]}", "{\"players\":\"alice\"}")) {
            assertForbidden(() -> policies.checkBroadcast(alice, "match-1", patch(other)),
                    "in room match-1 a player may patch only players.alice (its policy is patch: own)");
        }
    }

    @Test
    void aRoomUnderTheDefaultPolicyTakesAnyPatch() {
        assertThatCode(() -> policies.checkBroadcast(guest, "lobby", patch("{\"anything\":{\"at\":\"all\"}}")))
                .doesNotThrowAnyException();
    }

    private static Optional<JsonNode> patch(String json) {
        try {
            return Optional.of(JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static void assertForbidden(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GameException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
