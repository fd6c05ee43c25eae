package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The waiting writes of a batched writer: one per key, bounded, cut into Txn-sized batches. */
class PendingWritesTest {

    private static PendingWrites.Entry put(String key, String value) {
        return new PendingWrites.Entry(key, () -> Optional.of(value.getBytes(StandardCharsets.UTF_8)), "");
    }

    private static PendingWrites.Entry delete(String key) {
        return new PendingWrites.Entry(key, Optional::empty, "");
    }

    private static String value(PendingWrites.Resolved r) {
        return r.value().map(v -> new String(v, StandardCharsets.UTF_8)).orElse("<delete>");
    }

    @Test
    void aLaterWriteToAWaitingKeyReplacesItAndAnswersBothCallers() {
        PendingWrites pending = new PendingWrites(10);
        PendingWrites.Entry first = put("a", "1");
        CompletableFuture<Long> firstCaller = new CompletableFuture<>();
        first.waiters.add(firstCaller);
        PendingWrites.Entry second = delete("a");
        CompletableFuture<Long> secondCaller = new CompletableFuture<>();
        second.waiters.add(secondCaller);

        pending.offer(first);
        pending.offer(put("b", "2"));
        pending.offer(second);

        List<PendingWrites.Resolved> batch = pending.take();
        assertThat(batch).extracting(r -> r.entry().key).containsExactly("b", "a");
        assertThat(batch).extracting(PendingWritesTest::value).containsExactly("2", "<delete>");
        assertThat(batch.get(1).entry().waiters).containsExactly(firstCaller, secondCaller);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aBatchHoldsAtMost128OpsAndACountTakesAnOpOfItsOwn() {
        PendingWrites pending = new PendingWrites(1000);
        for (int i = 0; i < 300; i++) {
            pending.offer(new PendingWrites.Entry("s" + i, () -> Optional.of(new byte[10]), "inbox/u" + i + "/"));
        }
        List<PendingWrites.Resolved> batch = pending.take();
        assertThat(batch).hasSize(64);
        assertThat(batch.stream().mapToInt(PendingWrites.Resolved::ops).sum()).isEqualTo(PendingWrites.MAX_TXN_OPS);
        assertThat(pending.size()).isEqualTo(236);
    }

    @Test
    void aKeyCarriedByATxnInFlightWaitsForItWhileOtherKeysGoOut() {
        PendingWrites pending = new PendingWrites(10);
        pending.offer(put("a", "1"));
        pending.offer(put("b", "2"));

        assertThat(pending.take(Set.of("a"))).extracting(r -> r.entry().key).containsExactly("b");
        assertThat(pending.take(Set.of("a"))).isEmpty();
        assertThat(pending.size()).isEqualTo(1);
        assertThat(pending.take(Set.of())).extracting(PendingWritesTest::value).containsExactly("1");
    }

    @Test
    void aBatchStaysUnderAMebibyteButAlwaysTakesOneWrite() {
        PendingWrites pending = new PendingWrites(10);
        byte[] big = new byte[700 * 1024];
        pending.offer(new PendingWrites.Entry("a", () -> Optional.of(big), ""));
        pending.offer(new PendingWrites.Entry("b", () -> Optional.of(big), ""));
        assertThat(pending.take()).hasSize(1);
        assertThat(pending.take()).hasSize(1);
        assertThat(pending.take()).isEmpty();
    }

    @Test
    void valuesAreReadWhenTheBatchIsTakenSoACountGoesOutAtItsLatest() {
        PendingWrites pending = new PendingWrites(10);
        AtomicInteger count = new AtomicInteger(1);
        pending.offer(new PendingWrites.Entry("room", () -> Optional.of(Integer.toString(count.get())
                .getBytes(StandardCharsets.UTF_8)), ""));
        count.set(7);
        assertThat(pending.take()).extracting(PendingWritesTest::value).containsExactly("7");
    }

    @Test
    void pastTheBoundANewKeyIsRefusedButAWaitingKeyMayStillChange() {
        PendingWrites pending = new PendingWrites(2);
        assertThat(pending.offer(put("a", "1"))).isTrue();
        assertThat(pending.offer(put("b", "1"))).isTrue();
        assertThat(pending.offer(put("c", "1"))).isFalse();
        assertThat(pending.offer(put("a", "2"))).isTrue();
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void aFailedBatchComesBackWithoutItsCallersUnlessANewerWriteWaits() {
        PendingWrites pending = new PendingWrites(10);
        PendingWrites.Entry counted = new PendingWrites.Entry("s1", () -> Optional.of(new byte[1]), "inbox/u/");
        counted.waiters.add(new CompletableFuture<>());
        pending.offer(counted);
        pending.offer(put("s2", "old"));
        List<PendingWrites.Resolved> failed = pending.take();
        pending.offer(put("s2", "new"));

        pending.retry(failed);

        List<PendingWrites.Resolved> again = pending.take();
        assertThat(again).extracting(r -> r.entry().key).containsExactly("s2", "s1");
        assertThat(again).extracting(PendingWritesTest::value).first().isEqualTo("new");
        PendingWrites.Resolved retried = again.get(1);
        assertThat(retried.entry().waiters).as("its caller was answered with the failure").isEmpty();
        assertThat(retried.count()).as("the count was answered too; not read again").isFalse();
    }

    @Test
    void aWaitingPutKeepsItsCountWhenARewriteOfTheKeyReplacesIt() {
        PendingWrites pending = new PendingWrites(10);
        PendingWrites.Entry counted = new PendingWrites.Entry("s1", () -> Optional.of(new byte[1]), "inbox/u/");
        CompletableFuture<Long> opener = new CompletableFuture<>();
        counted.waiters.add(opener);
        pending.offer(counted);
        PendingWrites.Entry rewrite = put("s1", "again");
        CompletableFuture<Long> renewal = new CompletableFuture<>();
        rewrite.waiters.add(renewal);
        pending.offer(rewrite);

        PendingWrites.Resolved only = pending.take().getFirst();
        assertThat(only.count()).isTrue();
        assertThat(only.entry().countPrefix).isEqualTo("inbox/u/");
        assertThat(only.entry().waiters).containsExactly(opener, renewal);
    }
}
