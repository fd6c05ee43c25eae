package dev.gamestate.store;

import static dev.gamestate.store.StoreNode.await;
import static dev.gamestate.store.StoreNode.failure;
import static dev.gamestate.store.StoreNode.good;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CreditLedgerIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private StoreNode east;
    private StoreNode west;

    @BeforeEach
    void startTwoNodes() {
        GameConfig config = StoreNode.config(ETCD, new GameConfig.Economy(Map.of("gold", 100L),
                List.of(good("sword", 100, OptionalLong.empty(), OptionalInt.empty()),
                        new GameConfig.Good("gem", "Gem", 5, "crystals", OptionalLong.empty(), OptionalInt.empty()))));
        east = StoreNode.start(config);
        west = StoreNode.start(config);
    }

    @AfterEach
    void closeNodes() {
        east.close();
        west.close();
    }

    @Test
    void aCreditAddsToTheBalanceOnTopOfTheStartingBalance() {
        CreditResult result = await(east.store.credit("ann", "gold", 250, "grant-1"));
        assertThat(result).isEqualTo(new CreditResult(Map.of("gold", 350L), false));
        assertThat(await(east.store.wallet("ann")).balance()).isEqualTo(Map.of("gold", 350L));
        Wallet stored = east.storedWallet("ann");
        assertThat(stored.credited()).isEqualTo(Map.of("gold", 250L));
        assertThat(stored.conservesMoney()).isTrue();
    }

    @Test
    void tenCopiesOfOneCreditOnTwoNodesAddOnce() {
        List<CompletableFuture<CreditResult>> copies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            copies.add((i % 2 == 0 ? east : west).store.credit("ann", "gold", 40, "grant-1"));
        }
        List<CreditResult> results = copies.stream().map(StoreNode::await).toList();

        assertThat(results).filteredOn(r -> !r.replayed()).hasSize(1);
        assertThat(results).extracting(CreditResult::balance).containsOnly(Map.of("gold", 140L));
        assertThat(east.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 140L));
    }

    @Test
    void theSameRequestIdForAnotherAmountOrCurrencyIsConflict() {
        await(east.store.credit("ann", "gold", 40, "grant-1"));
        assertThat(failure(west.store.credit("ann", "gold", 41, "grant-1"))).isEqualTo(ErrorCode.CONFLICT);
        assertThat(failure(west.store.credit("ann", "crystals", 40, "grant-1"))).isEqualTo(ErrorCode.CONFLICT);
        assertThat(east.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 140L));
    }

    @Test
    void aCurrencyOnlyTheCatalogUsesCanBeCreditedAndSpent() {
        await(east.store.credit("ann", "crystals", 12, "grant-1"));
        PurchaseResult gems = await(west.buy(RecordingConnection.player("ann"), "gem", 2, "req-1"));
        assertThat(gems.balance()).isEqualTo(Map.of("gold", 100L, "crystals", 2L));
        assertThat(east.storedWallet("ann").conservesMoney()).isTrue();
    }

    @Test
    void unknownCurrenciesBadAmountsAndBadIdsAreInvalidPayload() {
        assertThat(failure(east.store.credit("ann", "silver", 1, "grant-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(east.store.credit("ann", "gold", 0, "grant-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(east.store.credit("ann", "gold", 1_000_000_000_001L, "grant-1")))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(east.store.credit("ann", "gold", 1, "grant 1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(east.store.credit("", "gold", 1, "grant-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(east.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 100L));
    }

    @Test
    void aUserIdWithSlashesStaysInItsOwnWallet() {
        await(east.store.credit("team/ann", "gold", 5, "grant-1"));
        assertThat(east.storedWallet("team/ann").balance()).isEqualTo(Map.of("gold", 105L));
        assertThat(east.storedWallet("team").balance()).isEqualTo(Map.of("gold", 100L));
    }
}
