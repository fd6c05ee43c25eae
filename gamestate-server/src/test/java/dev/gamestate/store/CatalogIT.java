package dev.gamestate.store;

import static dev.gamestate.store.StoreNode.await;
import static dev.gamestate.store.StoreNode.failure;
import static dev.gamestate.store.StoreNode.good;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CatalogIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private GameConfig config;
    private StoreNode node;

    @BeforeEach
    void startNode() {
        config = StoreNode.config(ETCD, StoreNode.economy(1000,
                good("sword", 100, OptionalLong.of(10), OptionalInt.empty()),
                good("shield", 60, OptionalLong.empty(), OptionalInt.empty())));
        node = StoreNode.start(config);
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void seedingAgainKeepsTheStockThatPurchasesTook() {
        await(node.buy(RecordingConnection.player("ann"), "sword", 4, "req-1"));
        try (StoreNode restarted = StoreNode.start(config)) {
            await(restarted.store.start());
            assertThat(listed(restarted, "sword").stock()).isEqualTo(OptionalLong.of(6));
        }
    }

    @Test
    void seedingAgainKeepsWhatTheAdminChanged() {
        await(node.store.putGood("shield", "Tower Shield", 75, "gold", OptionalLong.of(2), OptionalInt.of(1)));
        try (StoreNode restarted = StoreNode.start(config)) {
            assertThat(listed(restarted, "shield"))
                    .isEqualTo(new Good("shield", "Tower Shield", 75, "gold", OptionalLong.of(2), OptionalInt.of(1)));
        }
    }

    @Test
    void aGoodPutByTheAdminIsForSaleOnEveryNode() {
        Good put = await(node.store.putGood("bow", "Long Bow", 250, "gold", OptionalLong.of(1), OptionalInt.empty()));
        assertThat(put).isEqualTo(new Good("bow", "Long Bow", 250, "gold", OptionalLong.of(1), OptionalInt.empty()));
        try (StoreNode other = StoreNode.start(config)) {
            assertThat(listed(other, "bow")).isEqualTo(put);
            PurchaseResult bought = await(other.buy(RecordingConnection.player("ann"), "bow", 1, "req-1"));
            assertThat(bought.balance()).isEqualTo(Map.of("gold", 750L));
            assertThat(failure(node.buy(RecordingConnection.player("bob"), "bow", 1, "req-1")))
                    .isEqualTo(ErrorCode.OUT_OF_STOCK);
        }
    }

    @Test
    void aPriceChangedThroughAnotherNodeIsChargedAtOnce() {
        try (StoreNode other = StoreNode.start(config)) {
            await(node.buy(RecordingConnection.player("ann"), "shield", 1, "req-1"));
            await(other.store.putGood("shield", "Oak Shield", 200, "gold", OptionalLong.empty(), OptionalInt.empty()));

            PurchaseResult second = await(node.buy(RecordingConnection.player("ann"), "shield", 1, "req-2"));
            assertThat(second.unitPrice()).isEqualTo(200);
            assertThat(second.balance()).isEqualTo(Map.of("gold", 740L));
        }
    }

    @Test
    void aPriceLoweredThroughAnotherNodeMakesTheGoodAffordableAtOnce() {
        try (StoreNode other = StoreNode.start(config)) {
            await(node.store.credit("ann", "gold", 1, "grant-1"));
            await(node.store.putGood("crown", "Crown", 5000, "gold", OptionalLong.empty(), OptionalInt.empty()));
            assertThat(failure(node.buy(RecordingConnection.player("ann"), "crown", 1, "req-1")))
                    .isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);

            await(other.store.putGood("crown", "Crown", 1001, "gold", OptionalLong.empty(), OptionalInt.empty()));
            PurchaseResult bought = await(node.buy(RecordingConnection.player("ann"), "crown", 1, "req-2"));
            assertThat(bought.unitPrice()).isEqualTo(1001);
            assertThat(bought.balance()).isEqualTo(Map.of("gold", 0L));
        }
    }

    @Test
    void puttingAGoodWithoutStockLiftsTheLimitAndWithStockRestocks() {
        await(node.store.putGood("sword", "Iron Sword", 100, "gold", OptionalLong.empty(), OptionalInt.empty()));
        assertThat(listed(node, "sword").stock()).isEmpty();
        await(node.buy(RecordingConnection.player("ann"), "sword", 10, "req-1"));

        await(node.store.putGood("sword", "Iron Sword", 1, "gold", OptionalLong.of(1), OptionalInt.empty()));
        await(node.buy(RecordingConnection.player("bob"), "sword", 1, "req-2"));
        assertThat(listed(node, "sword").stock()).isEqualTo(OptionalLong.of(0));
        assertThat(failure(node.buy(RecordingConnection.player("bob"), "sword", 1, "req-3")))
                .isEqualTo(ErrorCode.OUT_OF_STOCK);
    }

    @Test
    void aGoodWithFieldsOutOfBoundsIsInvalidPayload() {
        assertThat(failure(node.store.putGood("bad/id", "x", 1, "gold", OptionalLong.empty(), OptionalInt.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.store.putGood("ok", " ", 1, "gold", OptionalLong.empty(), OptionalInt.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.store.putGood("ok", "x", -1, "gold", OptionalLong.empty(), OptionalInt.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.store.putGood("ok", "x", 1, "Gold!", OptionalLong.empty(), OptionalInt.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.store.putGood("ok", "x", 1, "gold", OptionalLong.of(-1), OptionalInt.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.store.putGood("ok", "x", 1, "gold", OptionalLong.empty(), OptionalInt.of(0))))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
    }

    @Test
    void aTotalPriceBeyondAnyNumberIsInvalidPayload() {
        await(node.store.putGood("moon", "The Moon", Catalog.MAX_AMOUNT, "gold", OptionalLong.empty(),
                OptionalInt.empty()));
        assertThat(failure(node.buy(RecordingConnection.player("ann"), "moon", 1000, "req-1")))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.buy(RecordingConnection.player("ann"), "moon", 1, "req-2")))
                .isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
    }

    private static Good listed(StoreNode on, String goodId) {
        CatalogListing listing = (CatalogListing) await(on.request(RecordingConnection.guest("guest-1"),
                StoreEvents.CATALOG, new StoreEvents.CatalogRequest()));
        return listing.goods().stream().filter(g -> g.id().equals(goodId)).findFirst().orElseThrow();
    }
}
