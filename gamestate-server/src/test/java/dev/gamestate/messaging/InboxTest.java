package dev.gamestate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.InMemoryInboxStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The inbox's rules on in-memory inboxes: its bound, a lost lease, one claim per message. */
class InboxTest {

    private final InMemoryInboxStore store = new InMemoryInboxStore();
    private final Inbox inbox = new Inbox(store, new GameConfig.Messaging(Duration.ofMinutes(5), 2, 1000));

    @Test
    void aFullInboxRefusesTheNextMessage() throws Exception {
        await(inbox.keep(Namespace.PRIVATE, "ann", "m1", frame("one")));
        await(inbox.keep(Namespace.PRIVATE, "ann", "m2", frame("two")));

        assertThat(failure(inbox.keep(Namespace.PRIVATE, "ann", "m3", frame("three"))))
                .isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(await(inbox.page(Namespace.PRIVATE, "ann", ""))).hasSize(2);
    }

    @Test
    void aLeaseThatExpiredIsReplacedOnceAndTheMessageKept() throws Exception {
        store.expireLeases(1);

        await(inbox.keep(Namespace.PRIVATE, "ann", "m1", frame("one")));

        assertThat(await(inbox.page(Namespace.PRIVATE, "ann", ""))).singleElement()
                .satisfies(w -> assertThat(new String(w.frame(), StandardCharsets.UTF_8)).isEqualTo("one"));
    }

    @Test
    void aLeaseLostTwiceAnswersUnavailable() {
        store.expireLeases(2);

        assertThat(failure(inbox.keep(Namespace.PRIVATE, "ann", "m1", frame("one")))).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aWaitingMessageIsClaimedOnce() throws Exception {
        await(inbox.keep(Namespace.PRIVATE, "ann", "m1", frame("one")));
        String key = await(inbox.page(Namespace.PRIVATE, "ann", "")).getFirst().key();

        assertThat(await(inbox.claim(key))).isTrue();
        assertThat(await(inbox.claim(key))).isFalse();
    }

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static ErrorCode failure(CompletableFuture<?> future) {
        return GameException.from(catchThrowable(() -> future.get(5, TimeUnit.SECONDS))).code();
    }
}
