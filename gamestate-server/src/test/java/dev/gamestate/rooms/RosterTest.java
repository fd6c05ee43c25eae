package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RosterTest {

    @Test
    void aListedRoomTellsWhoJoinedAndWhoLeftSortedAndTheCountNow() {
        Roster before = Roster.listed(Map.of("alice", 1, "bob", 2, "dave", 1));
        Roster after = Roster.listed(Map.of("carol", 1, "alice", 3, "erin", 1, "bob", 2));

        assertThat(Roster.change("r", before, after))
                .contains(new PresenceEvent("r", List.of("carol", "erin"), List.of("dave"), 4, true));
    }

    @Test
    void moreOrFewerSessionsOfUsersAlreadyInTellNothing() {
        assertThat(Roster.change("r", Roster.listed(Map.of("alice", 1)), Roster.listed(Map.of("alice", 2))))
                .isEmpty();
    }

    @Test
    void aRoomPassingTheBoundTellsOnlyThatItIsIncompleteAndCountsAreNotPushed() {
        Roster listed = Roster.listed(Map.of("alice", 1));

        assertThat(Roster.change("r", listed, new Roster.Crowded(300)))
                .contains(new PresenceEvent("r", List.of(), List.of(), 300, false));
        assertThat(Roster.change("r", new Roster.Crowded(300), new Roster.Crowded(250))).isEmpty();
    }

    @Test
    void aRoomBackUnderTheBoundListsEveryUserAsJoined() {
        assertThat(Roster.change("r", new Roster.Crowded(300), Roster.listed(Map.of("bob", 1, "alice", 2))))
                .contains(new PresenceEvent("r", List.of("alice", "bob"), List.of(), 2, true));
    }

    @Test
    void aReplyListsMembersByUserIdOrOnlyACount() {
        assertThat(Roster.listed(Map.of("bob", 1, "alice", 2)).result("r")).isEqualTo(new PresenceResult("r",
                List.of(new PresenceResult.Member("alice", 2), new PresenceResult.Member("bob", 1)), 2, true));
        assertThat(new Roster.Crowded(7).result("r")).isEqualTo(new PresenceResult("r", List.of(), 7, false));
        assertThat(Roster.change("r", Roster.EMPTY, Roster.EMPTY)).isEqualTo(Optional.empty());
    }
}
