package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.rooms.ServiceNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Etcd#call}'s timeout, on the threads it is given, and the latency it reports; no etcd runs (the
 * client connects lazily).
 */
class EtcdCallTest {

    private final List<String> timings = new CopyOnWriteArrayList<>();
    private final ExecutorService callbacks = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("node-timers").factory());
    private final Etcd etcd = Etcd.create(ServiceNode.config("http://127.0.0.1:9",
            Map.of("GAMESTATE_ETCD_REQUEST_TIMEOUT", "200ms")).etcd(), callbacks, timers, this::timed);

    private void timed(EtcdOp op, boolean ok, long nanos) {
        timings.add(op.tag() + (ok ? " ok " : " error ") + TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    @AfterEach
    void close() {
        etcd.close();
        callbacks.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void aCallEtcdNeverAnswersFailsUnavailableOnTheNodesTimerAndTheCallItselfEnds() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        AtomicReference<String> failedOn = new AtomicReference<>();

        CompletableFuture<String> call = etcd.call(EtcdOp.RANGE, () -> pending).whenComplete((v, e) ->
                failedOn.set(Thread.currentThread().getName()));

        await().atMost(Duration.ofSeconds(5)).until(call::isDone);
        GameException error = GameException.from(catchThrowable(() -> call.get(1, TimeUnit.SECONDS)));
        assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failedOn).hasValue("node-timers");
        // The call's own future is ended, so jetcd cancels the gRPC call behind it.
        assertThat(catchThrowable(pending::join)).hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void everyCallReportsItsOpOutcomeAndLatencyOnceWhetherAnsweredOrTimedOut() {
        CompletableFuture<String> answered = new CompletableFuture<>();
        CompletableFuture<String> call = etcd.call(EtcdOp.TXN, () -> answered);
        assertThat(timings).isEmpty();
        answered.complete("done");
        assertThat(call.join()).isEqualTo("done");

        CompletableFuture<String> timedOut = etcd.call(EtcdOp.LEASE_GRANT, CompletableFuture::new);
        await().atMost(Duration.ofSeconds(5)).until(timedOut::isDone);
        CompletableFuture<String> refused = etcd.call(EtcdOp.PUT, () -> {
            throw new IllegalStateException("no channel");
        });

        assertThat(refused).isCompletedExceptionally();
        assertThat(timings).hasSize(3);
        assertThat(timings.get(0)).startsWith("txn ok ");
        assertThat(timings.get(1)).startsWith("lease_grant error ");
        // It waited out the 200 ms request timeout.
        assertThat(Long.parseLong(timings.get(1).substring("lease_grant error ".length()))).isBetween(150L, 5000L);
        assertThat(timings.get(2)).startsWith("put error ");
    }

    @Test
    void aCallOnANodeThatShutItsTimersDownFailsAtOnce() {
        timers.shutdownNow();
        CompletableFuture<String> pending = new CompletableFuture<>();

        CompletableFuture<String> call = etcd.call(EtcdOp.RANGE, () -> pending);

        assertThat(GameException.from(catchThrowable(call::join)).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(pending).isCancelled();
    }
}
