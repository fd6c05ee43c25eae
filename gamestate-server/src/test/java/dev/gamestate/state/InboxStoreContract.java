package dev.gamestate.state;

import static dev.gamestate.state.StoreRecordsContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.core.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InboxStore} does, run against etcd ({@code InboxStoreContractIT}) and against the
 * in-memory inboxes messaging's unit tests use ({@code InboxStoreContractTest}).
 */
abstract class InboxStoreContract {

    /** Inboxes with nothing parked, for one test. */
    abstract InboxStore inboxes();

    @Test
    void parkedMessagesArePagedOldestFirstAfterAKey() {
        InboxStore inboxes = inboxes();
        for (String id : List.of("m3", "m1", "m2", "m4")) {
            assertThat(await(inboxes.park(Namespace.PRIVATE, "ann", id, utf8("frame " + id))))
                    .isInstanceOf(Committed.class);
        }

        List<InboxStore.Parked> first = await(inboxes.page(Namespace.PRIVATE, "ann", "", 2));
        List<InboxStore.Parked> rest = await(inboxes.page(Namespace.PRIVATE, "ann", first.getLast().key(), 10));

        assertThat(first).extracting(p -> text(p.frame())).containsExactly("frame m1", "frame m2");
        assertThat(rest).extracting(p -> text(p.frame())).containsExactly("frame m3", "frame m4");
    }

    @Test
    void aUsersCountAndPagesHoldOnlyTheirOwnMessages() {
        InboxStore inboxes = inboxes();
        await(inboxes.park(Namespace.PRIVATE, "ann", "m1", utf8("for ann")));
        await(inboxes.park(Namespace.PRIVATE, "anna", "m1", utf8("for anna")));
        await(inboxes.park(Namespace.GUEST, "ann", "m1", utf8("for guest ann")));

        assertThat(await(inboxes.count(Namespace.PRIVATE, "ann"))).isEqualTo(1);
        assertThat(await(inboxes.page(Namespace.PRIVATE, "ann", "", 10)))
                .extracting(p -> text(p.frame())).containsExactly("for ann");
        assertThat(await(inboxes.count(Namespace.PRIVATE, "bob"))).isZero();
    }

    @Test
    void aMessageIsClaimedByOneCallerOnlyAndThenGone() {
        InboxStore inboxes = inboxes();
        await(inboxes.park(Namespace.PRIVATE, "ann", "m1", utf8("frame")));
        String key = await(inboxes.page(Namespace.PRIVATE, "ann", "", 10)).getFirst().key();

        GuardedWrite first = await(inboxes.claim(key));
        GuardedWrite second = await(inboxes.claim(key));

        assertThat(first).isInstanceOf(Committed.class);
        assertThat(second).isEqualTo(Conflict.changed());
        assertThat(await(inboxes.count(Namespace.PRIVATE, "ann"))).isZero();
        assertThat(await(inboxes.page(Namespace.PRIVATE, "ann", "", 10))).isEmpty();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
