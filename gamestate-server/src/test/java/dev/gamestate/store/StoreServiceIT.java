package dev.gamestate.store;

import static dev.gamestate.store.StoreNode.await;
import static dev.gamestate.store.StoreNode.failure;
import static dev.gamestate.store.StoreNode.good;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Event;
import dev.gamestate.protocol.Envelope;
import dev.gamestate.protocol.FrameException;
import dev.gamestate.state.EtcdOp;
import dev.gamestate.state.Keys;
import dev.gamestate.state.UserNotifications;
import dev.gamestate.store.StoreEvents.BuyGoodRequest;
import dev.gamestate.store.StoreEvents.CatalogRequest;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import io.etcd.jetcd.kv.GetResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StoreServiceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private StoreNode node;

    @BeforeEach
    void startNode() {
        node = StoreNode.start(StoreNode.config(ETCD, StoreNode.economy(1000,
                good("sword", 100, OptionalLong.of(5), OptionalInt.empty()),
                good("potion", 10, OptionalLong.empty(), OptionalInt.of(3)),
                good("castle", 5000, OptionalLong.empty(), OptionalInt.empty()))));
    }

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void catalogListsEveryGoodWithItsStockAndLimitToPlayersAndGuests() {
        for (RecordingConnection caller : new RecordingConnection[] {
                RecordingConnection.player("ann"), RecordingConnection.guest("guest-1")}) {
            CatalogListing listing = (CatalogListing) await(node.request(caller, StoreEvents.CATALOG,
                    new CatalogRequest()));
            assertThat(listing.goods()).containsExactly(
                    new Good("castle", "The castle", 5000, "gold", OptionalLong.empty(), OptionalInt.empty()),
                    new Good("potion", "The potion", 10, "gold", OptionalLong.empty(), OptionalInt.of(3)),
                    new Good("sword", "The sword", 100, "gold", OptionalLong.of(5), OptionalInt.empty()));
        }
    }

    @Test
    void catalogOnTheWireOmitsAbsentStockAndLimit() throws Exception {
        CatalogListing listing = catalog();
        JsonNode wire = StoreNode.CODEC.mapper().readTree(StoreNode.CODEC.json(listing));
        assertThat(wire.get("goods").get(0).toString())
                .isEqualTo("{\"id\":\"castle\",\"name\":\"The castle\",\"price\":5000,\"currency\":\"gold\"}");
        assertThat(wire.get("goods").get(2).get("stock").asLong()).isEqualTo(5);
    }

    @Test
    void aNewPlayersWalletHoldsTheStartingBalanceAndNothingElse() {
        WalletView wallet = node.wallet(RecordingConnection.player("ann"));
        assertThat(wallet.balance()).isEqualTo(Map.of("gold", 1000L));
        assertThat(wallet.inventory()).isEmpty();
    }

    @Test
    void guestsMayNeitherSeeAWalletNorBuy() {
        RecordingConnection guest = RecordingConnection.guest("guest-1");
        assertThat(failure(node.request(guest, StoreEvents.WALLET, new StoreEvents.WalletRequest())))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(failure(node.buy(guest, "potion", 1, "req-1"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(node.storedWallet("guest-1").inventory()).isEmpty();
    }

    @Test
    void aPurchaseDebitsTheWalletFillsTheInventoryAndTakesTheStock() {
        RecordingConnection ann = RecordingConnection.player("ann");
        PurchaseResult result = await(node.buy(ann, "sword", 2, "req-1"));

        assertThat(result.goodId()).isEqualTo("sword");
        assertThat(result.quantity()).isEqualTo(2);
        assertThat(result.unitPrice()).isEqualTo(100);
        assertThat(result.currency()).isEqualTo("gold");
        assertThat(result.balance()).isEqualTo(Map.of("gold", 800L));
        assertThat(result.owned()).isEqualTo(2);
        assertThat(result.replayed()).isFalse();
        assertThat(result.purchaseId()).isNotBlank();

        WalletView wallet = node.wallet(ann);
        assertThat(wallet.balance()).isEqualTo(Map.of("gold", 800L));
        assertThat(wallet.inventory()).isEqualTo(Map.of("sword", 2L));
        assertThat(stockOf("sword")).isEqualTo(OptionalLong.of(3));
        Wallet stored = node.storedWallet("ann");
        assertThat(stored.spent()).isEqualTo(Map.of("gold", 200L));
        assertThat(stored.conservesMoney()).isTrue();
    }

    @Test
    void theStoredWalletHasTheDocumentedShape() throws Exception {
        await(node.buy(RecordingConnection.player("ann"), "potion", 1, "req-1"));
        GetResponse raw = await(node.etcd.call(EtcdOp.RANGE,
                () -> node.etcd.kv().get(Keys.bytes(node.etcd.keys().wallet("ann")))));
        JsonNode wallet = StoreNode.CODEC.mapper().readTree(raw.getKvs().getFirst().getValue().getBytes());
        assertThat(wallet.toString()).isEqualTo("{\"balance\":{\"gold\":990},\"inventory\":{\"potion\":1},"
                + "\"starting\":{\"gold\":1000},\"credited\":{},\"spent\":{\"gold\":10}}");
    }

    @Test
    void anUnknownGoodIsNotFound() {
        assertThat(failure(node.buy(RecordingConnection.player("ann"), "dragon", 1, "req-1")))
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aGoodTooExpensiveIsInsufficientFundsAndChargesNothing() {
        assertThat(failure(node.buy(RecordingConnection.player("ann"), "castle", 1, "req-1")))
                .isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(node.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 1000L));
    }

    @Test
    void buyingMoreThanTheStockIsOutOfStock() {
        assertThat(failure(node.buy(RecordingConnection.player("ann"), "sword", 6, "req-1")))
                .isEqualTo(ErrorCode.OUT_OF_STOCK);
        assertThat(stockOf("sword")).isEqualTo(OptionalLong.of(5));
    }

    @Test
    void owningMoreThanMaxPerUserIsLimitExceeded() {
        RecordingConnection ann = RecordingConnection.player("ann");
        await(node.buy(ann, "potion", 2, "req-1"));
        assertThat(failure(node.buy(ann, "potion", 2, "req-2"))).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(await(node.buy(ann, "potion", 1, "req-3")).owned()).isEqualTo(3);
        assertThat(failure(node.buy(ann, "potion", 1, "req-4"))).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    }

    @Test
    void theSameRequestIdAgainAnswersTheFirstPurchaseMarkedReplayed() {
        RecordingConnection ann = RecordingConnection.player("ann");
        PurchaseResult first = await(node.buy(ann, "sword", 1, "req-1"));
        await(node.buy(ann, "potion", 1, "req-2"));
        PurchaseResult again = await(node.buy(ann, "sword", 1, "req-1"));

        assertThat(again.replayed()).isTrue();
        assertThat(again.purchaseId()).isEqualTo(first.purchaseId());
        assertThat(again.balance()).isEqualTo(first.balance());
        assertThat(again.owned()).isEqualTo(first.owned());
        assertThat(node.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 890L));
        assertThat(stockOf("sword")).isEqualTo(OptionalLong.of(4));
    }

    @Test
    void theSameRequestIdForAnotherGoodOrQuantityIsConflict() {
        RecordingConnection ann = RecordingConnection.player("ann");
        await(node.buy(ann, "sword", 1, "req-1"));
        assertThat(failure(node.buy(ann, "potion", 1, "req-1"))).isEqualTo(ErrorCode.CONFLICT);
        assertThat(failure(node.buy(ann, "sword", 2, "req-1"))).isEqualTo(ErrorCode.CONFLICT);
        assertThat(node.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 900L));
    }

    @Test
    void requestIdsAreKeptPerUser() {
        PurchaseResult ann = await(node.buy(RecordingConnection.player("ann"), "potion", 1, "req-1"));
        PurchaseResult bob = await(node.buy(RecordingConnection.player("bob"), "potion", 1, "req-1"));
        assertThat(bob.replayed()).isFalse();
        assertThat(bob.purchaseId()).isNotEqualTo(ann.purchaseId());
    }

    @Test
    void badIdsAndQuantitiesAreInvalidPayload() {
        RecordingConnection ann = RecordingConnection.player("ann");
        assertThat(failure(node.buy(ann, "-sword", 1, "req-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.buy(ann, "sword", 1, "req/1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.buy(ann, "sword", 1, ""))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.buy(ann, "sword", 0, "req-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(failure(node.buy(ann, "sword", 1001, "req-1"))).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(node.storedWallet("ann").balance()).isEqualTo(Map.of("gold", 1000L));
    }

    @Test
    void theWirePayloadDefaultsTheQuantityToOneAndRejectsWhatDoesNotFit() {
        Principal ann = Principal.player("ann");
        Event<BuyGoodRequest> event = StoreNode.CODEC.event(
                StoreNode.CODEC.envelope("{\"id\":\"1\",\"type\":\"core.game.state.buy_good\","
                        + "\"payload\":{\"goodId\":\"sword\",\"requestId\":\"r1\"}}"),
                StoreEvents.BUY_GOOD, ann, Instant.now());
        assertThat(event.payload().count()).isEqualTo(1);

        for (String payload : new String[] {
                "{\"goodId\":\"sword\"}",
                "{\"goodId\":\"sword\",\"requestId\":\"r1\",\"quantity\":0}",
                "{\"goodId\":\"sword\",\"requestId\":\"r1\",\"quantity\":\"many\"}",
                "{\"goodId\":\"sword\",\"requestId\":\"r1\",\"price\":1}"}) {
            Envelope envelope = StoreNode.CODEC.envelope(
                    "{\"id\":\"1\",\"type\":\"core.game.state.buy_good\",\"payload\":" + payload + "}");
            FrameException thrown = org.assertj.core.api.Assertions.catchThrowableOfType(FrameException.class,
                    () -> StoreNode.CODEC.event(envelope, StoreEvents.BUY_GOOD, ann, Instant.now()));
            assertThat(thrown).as(payload).isNotNull();
            assertThat(thrown.error().code()).as(payload).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        }
    }

    @Test
    void thePurchaseIsPushedToTheBuyersOtherSessionsButNotTheOneThatBought() throws Exception {
        RecordingConnection ann = RecordingConnection.player("ann");
        PurchaseResult result = await(node.buy(ann, "sword", 1, "req-1"));

        String notifyKey = node.etcd.keys().userNotify(Namespace.PRIVATE, "ann");
        await().atMost(Duration.ofSeconds(10)).until(() -> !read(notifyKey).getKvs().isEmpty());
        UserNotifications.Notification notice = UserNotifications.Notification.parse(
                read(notifyKey).getKvs().getFirst().getValue().getBytes());

        assertThat(notice.skipSession()).contains(ann.sessionId());
        JsonNode frame = StoreNode.CODEC.mapper().readTree(notice.frame());
        assertThat(frame.get("type").asText()).isEqualTo("core.game.state.buy_good");
        assertThat(frame.get("namespace").asText()).isEqualTo("private");
        assertThat(frame.get("userId").asText()).isEqualTo("ann");
        assertThat(frame.has("room")).isFalse();
        assertThat(frame.has("seq")).isFalse();
        assertThat(frame.get("payload")).isEqualTo(
                StoreNode.CODEC.mapper().readTree(StoreNode.CODEC.json(result)));
        assertThat(ann.frames()).isEmpty();
    }

    @Test
    void aReplayIsNotPushedAgain() {
        RecordingConnection ann = RecordingConnection.player("ann");
        await(node.buy(ann, "sword", 1, "req-1"));
        String notifyKey = node.etcd.keys().userNotify(Namespace.PRIVATE, "ann");
        await().atMost(Duration.ofSeconds(10)).until(() -> !read(notifyKey).getKvs().isEmpty());
        long version = read(notifyKey).getKvs().getFirst().getVersion();

        await(node.buy(ann, "sword", 1, "req-1"));
        await(node.buy(ann, "potion", 1, "req-2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> read(notifyKey).getKvs().getFirst().getVersion() > version);
        UserNotifications.Notification latest = UserNotifications.Notification.parse(
                read(notifyKey).getKvs().getFirst().getValue().getBytes());
        assertThat(new String(latest.frame())).contains("\"goodId\":\"potion\"");
        assertThat(read(notifyKey).getKvs().getFirst().getVersion()).isEqualTo(version + 1);
    }

    private CatalogListing catalog() {
        return (CatalogListing) await(node.request(RecordingConnection.player("ann"), StoreEvents.CATALOG,
                new CatalogRequest()));
    }

    private GetResponse read(String key) {
        return await(node.etcd.call(EtcdOp.RANGE, () -> node.etcd.kv().get(Keys.bytes(key))));
    }

    private OptionalLong stockOf(String goodId) {
        return catalog().goods().stream()
                .filter(g -> g.id().equals(goodId)).findFirst().orElseThrow().stock();
    }
}
