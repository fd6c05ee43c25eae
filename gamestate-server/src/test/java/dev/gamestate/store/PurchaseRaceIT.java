package dev.gamestate.store;

import static dev.gamestate.store.StoreNode.await;
import static dev.gamestate.store.StoreNode.good;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.EtcdOp;
import dev.gamestate.state.Keys;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Purchases racing each other on two nodes, each with its own etcd client. */
class PurchaseRaceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private StoreNode east;
    private StoreNode west;

    @BeforeEach
    void startTwoNodes() {
        GameConfig config = StoreNode.config(ETCD, StoreNode.economy(1000,
                good("sword", 100, OptionalLong.of(1000), OptionalInt.empty()),
                good("relic", 10, OptionalLong.of(3), OptionalInt.empty())));
        east = StoreNode.start(config);
        west = StoreNode.start(config);
    }

    @AfterEach
    void closeNodes() {
        east.close();
        west.close();
    }

    @Test
    void twentyCopiesOfOneRequestIdOnTwoNodesMakeExactlyOnePurchase() {
        RecordingConnection onEast = RecordingConnection.player("ann");
        RecordingConnection onWest = RecordingConnection.player("ann");

        List<Outcome> outcomes = race(20, i -> (i % 2 == 0 ? east : west)
                .buy(i % 2 == 0 ? onEast : onWest, "sword", 1, "same-request"));

        List<PurchaseResult> results = outcomes.stream().map(Outcome::result).toList();
        assertThat(results).hasSize(20).doesNotContainNull();
        assertThat(results).filteredOn(r -> !r.replayed()).hasSize(1);
        assertThat(results).filteredOn(PurchaseResult::replayed).hasSize(19);
        assertThat(results).extracting(PurchaseResult::purchaseId).containsOnly(results.getFirst().purchaseId());
        assertThat(results).extracting(PurchaseResult::balance).containsOnly(Map.of("gold", 900L));

        Wallet wallet = east.storedWallet("ann");
        assertThat(wallet.balance()).isEqualTo(Map.of("gold", 900L));
        assertThat(wallet.inventory()).isEqualTo(Map.of("sword", 1L));
        assertThat(wallet.conservesMoney()).isTrue();
        assertThat(purchaseRecords("ann")).isEqualTo(1);

        // The one purchase is pushed to ann's other sessions once; the replays push nothing.
        String notifyKey = east.etcd.keys().userNotify(Namespace.PRIVATE, "ann");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !read(notifyKey).getKvs().isEmpty());
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> read(notifyKey).getKvs().getFirst().getVersion() == 1);
    }

    @Test
    void fifteenPurchasesRacingForTenPurchasesWorthOfGoldMakeExactlyTen() {
        RecordingConnection onEast = RecordingConnection.player("bob");
        RecordingConnection onWest = RecordingConnection.player("bob");

        List<Outcome> outcomes = race(15, i -> (i % 2 == 0 ? east : west)
                .buy(i % 2 == 0 ? onEast : onWest, "sword", 1, "buy-" + i));

        assertThat(outcomes).filteredOn(o -> o.result() != null).hasSize(10);
        assertThat(outcomes).filteredOn(o -> o.result() == null)
                .extracting(Outcome::error).containsOnly(ErrorCode.INSUFFICIENT_FUNDS).hasSize(5);
        Wallet wallet = west.storedWallet("bob");
        assertThat(wallet.balance()).isEqualTo(Map.of("gold", 0L));
        assertThat(wallet.spent()).isEqualTo(Map.of("gold", 1000L));
        assertThat(wallet.inventory()).isEqualTo(Map.of("sword", 10L));
        // Money is conserved: starting + credited == balance + spent.
        assertThat(wallet.starting().get("gold") + wallet.credited().getOrDefault("gold", 0L))
                .isEqualTo(wallet.balance().get("gold") + wallet.spent().get("gold"));
        assertThat(stock("sword")).isEqualTo(990);
        assertThat(purchaseRecords("bob")).isEqualTo(10);
    }

    @Test
    void fiveBuyersRacingForAStockOfThreeLeaveThreeHappyAndTheStockAtZero() {
        List<Outcome> outcomes = race(5, i -> (i % 2 == 0 ? east : west)
                .buy(RecordingConnection.player("buyer-" + i), "relic", 1, "relic-" + i));

        assertThat(outcomes).filteredOn(o -> o.result() != null).hasSize(3);
        assertThat(outcomes).filteredOn(o -> o.result() == null)
                .extracting(Outcome::error).containsOnly(ErrorCode.OUT_OF_STOCK).hasSize(2);
        assertThat(stock("relic")).isZero();
    }

    @Test
    void concurrentCreditsAndPurchasesConserveMoney() {
        CompletableFuture<?>[] credits = new CompletableFuture<?>[8];
        for (int i = 0; i < credits.length; i++) {
            credits[i] = (i % 2 == 0 ? east : west).store.credit("cat", "gold", 50, "credit-" + i);
        }
        List<Outcome> purchases = race(12, i -> (i % 2 == 0 ? east : west)
                .buy(RecordingConnection.player("cat"), "sword", 1, "cat-" + i));
        CompletableFuture.allOf(credits).join();

        Wallet wallet = east.storedWallet("cat");
        long bought = purchases.stream().filter(o -> o.result() != null).count();
        assertThat(wallet.credited()).isEqualTo(Map.of("gold", 400L));
        assertThat(wallet.spent()).isEqualTo(Map.of("gold", 100L * bought));
        assertThat(wallet.inventory().getOrDefault("sword", 0L)).isEqualTo(bought);
        assertThat(wallet.conservesMoney()).isTrue();
        assertThat(bought).isBetween(10L, 12L);
    }

    private record Outcome(PurchaseResult result, ErrorCode error) {
    }

    /** Fires {@code count} requests at once from as many threads and waits for every answer. */
    private static List<Outcome> race(int count, Function<Integer, CompletableFuture<PurchaseResult>> request) {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return request.apply(n);
                }, threads).thenCompose(f -> f).handle((result, error) -> error == null
                        ? new Outcome(result, null)
                        : new Outcome(null, GameException.from(error).code())));
            }
            start.countDown();
            return outcomes.stream().map(StoreNode::await).toList();
        }
    }

    private long stock(String goodId) {
        return Long.parseLong(read(east.etcd.keys().stock(goodId)).getKvs().getFirst().getValue()
                .toString(StandardCharsets.UTF_8));
    }

    private GetResponse read(String key) {
        return await(east.etcd.call(EtcdOp.RANGE, () -> east.etcd.kv().get(Keys.bytes(key))));
    }

    private long purchaseRecords(String userId) {
        String prefix = east.etcd.keys().purchase(userId, "");
        return await(east.etcd.call(EtcdOp.RANGE, () -> east.etcd.kv().get(Keys.bytes(prefix),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()))).getCount();
    }
}
