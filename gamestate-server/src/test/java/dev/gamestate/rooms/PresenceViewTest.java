package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.state.SubscriberRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresenceViewTest {

    private final PresenceView view = new PresenceView(3);

    @Test
    void aUserIsInTheRoomWhileAnyNodeListsItWithItsSessionsAddedUp() {
        view.put("node-b", new SubscriberRecord.Listed(Map.of("alice", 1, "bob", 1)));
        view.put("node-c", new SubscriberRecord.Listed(Map.of("alice", 2)));

        assertThat(view.roster(Map.of("alice", 1, "carol", 1)))
                .isEqualTo(Roster.listed(Map.of("alice", 4, "bob", 1, "carol", 1)));
        view.remove("node-b");
        assertThat(view.roster(Map.of())).isEqualTo(Roster.listed(Map.of("alice", 2)));
        assertThat(view.nodes()).isEqualTo(1);
    }

    @Test
    void moreUsersThanTheBoundOverAllNodesIsACount() {
        view.put("node-b", new SubscriberRecord.Listed(Map.of("a", 1, "b", 1)));
        view.put("node-c", new SubscriberRecord.Listed(Map.of("b", 1, "c", 1)));

        assertThat(view.roster(Map.of())).isEqualTo(Roster.listed(Map.of("a", 1, "b", 2, "c", 1)));
        assertThat(view.roster(Map.of("d", 1))).isEqualTo(new Roster.Crowded(4));
    }

    @Test
    void aNodeThatListsNoUsersMakesTheRoomACountWhichMayCountAUserTwice() {
        view.put("node-b", new SubscriberRecord.Listed(Map.of("alice", 1)));
        // Presence off on that node, or a node of the version before presence: counts only.
        view.put("node-c", new SubscriberRecord.Counted(5, 2));

        assertThat(view.roster(Map.of("alice", 1))).isEqualTo(new Roster.Crowded(3));
    }

    @Test
    void aRecordOrALocalRoomOverTheBoundIsKeptAsCountsOnly() {
        view.put("node-b", new SubscriberRecord.Listed(Map.of("a", 1, "b", 1, "c", 1, "d", 1)));
        assertThat(view.roster(Map.of())).isEqualTo(new Roster.Crowded(4));

        view.replace(Map.of());
        assertThat(view.roster(Map.of("a", 1, "b", 1, "c", 1, "d", 2))).isEqualTo(new Roster.Crowded(4));
        assertThat(view.roster(Map.of("a", 1, "b", 1, "c", 1))).isEqualTo(Roster.listed(Map.of("a", 1, "b", 1, "c", 1)));
    }
}
