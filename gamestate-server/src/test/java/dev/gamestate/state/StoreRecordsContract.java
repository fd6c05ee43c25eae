package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.state.StoreRecords.CreditRead;
import dev.gamestate.state.StoreRecords.CreditWrite;
import dev.gamestate.state.StoreRecords.PurchaseRead;
import dev.gamestate.state.StoreRecords.PurchaseWrite;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StoreRecords} does, run against etcd ({@code StoreRecordsContractIT}) and against
 * the in-memory records the store's unit tests use ({@code StoreRecordsContractTest}), so the two
 * cannot drift apart.
 */
abstract class StoreRecordsContract {

    /** Records with nothing stored, for one test. */
    abstract StoreRecords records();

    @Test
    void aWalletNeverWrittenIsAbsent() {
        assertThat(await(records().wallet("ann"))).isEmpty();
    }

    @Test
    void aSeededGoodIsListedWithItsStockAndAnUnlimitedOneWithout() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword v1"), OptionalLong.of(5)));
        await(records.seedGood("shield", utf8("shield v1"), OptionalLong.empty()));

        StoreRecords.Listing listing = await(records.listing());
        assertThat(listing.goods()).extracting(s -> text(s.value())).containsExactly("shield v1", "sword v1");
        assertThat(listing.stockByGood()).isEqualTo(Map.of("sword", 5L));
        assertThat(await(records.goods())).extracting(s -> text(s.value())).containsExactly("shield v1", "sword v1");
    }

    @Test
    void seedingAgainKeepsAReplacedEntryAndItsStock() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword v1"), OptionalLong.of(5)));
        long revision = await(records.replaceGood("sword", utf8("sword v2"), OptionalLong.of(3)));
        await(records.seedGood("sword", utf8("sword v1"), OptionalLong.of(5)));

        StoreRecords.Listing listing = await(records.listing());
        assertThat(listing.goods()).singleElement().satisfies(s -> {
            assertThat(text(s.value())).isEqualTo("sword v2");
            assertThat(s.modRevision()).isEqualTo(revision);
        });
        assertThat(listing.stockByGood()).isEqualTo(Map.of("sword", 3L));
    }

    @Test
    void replacingAGoodWithoutStockMakesItUnlimited() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword v1"), OptionalLong.of(5)));
        await(records.replaceGood("sword", utf8("sword v2"), OptionalLong.empty()));
        assertThat(await(records.listing()).stockByGood()).isEmpty();
        assertThat(await(records.readPurchase("ann", "r1", "sword")).stock()).isEmpty();
    }

    @Test
    void aPurchaseOnWhatWasReadWritesWalletStockAndRecordAtOneRevision() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword"), OptionalLong.of(5)));
        PurchaseRead read = await(records.readPurchase("ann", "r1", "sword"));
        assertThat(read.record()).isEmpty();
        assertThat(read.wallet()).isEmpty();
        assertThat(read.stock()).hasValueSatisfying(s -> assertThat(s.left()).isEqualTo(5));
        assertThat(read.good()).hasValueSatisfying(g -> assertThat(text(g.value())).isEqualTo("sword"));

        GuardedWrite written = await(records.commitPurchase(purchase(read, "sword", "r1", OptionalLong.of(4))));

        assertThat(written).isInstanceOf(Committed.class);
        long revision = ((Committed) written).revision();
        PurchaseRead after = await(records.readPurchase("ann", "r1", "sword"));
        assertThat(after.record()).hasValueSatisfying(r -> {
            assertThat(text(r.value())).isEqualTo("record r1");
            assertThat(r.modRevision()).isEqualTo(revision);
        });
        assertThat(after.wallet()).hasValueSatisfying(w -> assertThat(text(w.value())).isEqualTo("wallet after r1"));
        assertThat(after.stock()).contains(new StoreRecords.Stock(4, revision));
        assertThat(await(records.wallet("ann"))).hasValueSatisfying(w -> assertThat(w.modRevision()).isEqualTo(revision));
    }

    @Test
    void aPurchaseOfAnUnlimitedGoodLeavesItUnlimited() {
        StoreRecords records = records();
        await(records.seedGood("shield", utf8("shield"), OptionalLong.empty()));
        PurchaseRead read = await(records.readPurchase("ann", "r1", "shield"));

        assertThat(await(records.commitPurchase(purchase(read, "shield", "r1", OptionalLong.empty()))))
                .isInstanceOf(Committed.class);
        assertThat(await(records.listing()).stockByGood()).isEmpty();
    }

    @Test
    void theSameRequestAgainIsAConflictCarryingTheFirstRecord() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword"), OptionalLong.of(5)));
        PurchaseRead read = await(records.readPurchase("ann", "r1", "sword"));
        await(records.commitPurchase(purchase(read, "sword", "r1", OptionalLong.of(4))));

        GuardedWrite again = await(records.commitPurchase(purchase(read, "sword", "r1", OptionalLong.of(4))));

        assertThat(again).isInstanceOfSatisfying(Conflict.class, c -> assertThat(c.record())
                .hasValueSatisfying(r -> assertThat(text(r.value())).isEqualTo("record r1")));
        assertThat(await(records.listing()).stockByGood()).isEqualTo(Map.of("sword", 4L));
    }

    @Test
    void aWalletChangedSinceTheReadIsAConflictWithoutARecordAndWritesNothing() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword"), OptionalLong.of(5)));
        PurchaseRead read = await(records.readPurchase("ann", "r1", "sword"));
        CreditRead credit = await(records.readCredit("ann", "c1"));
        await(records.commitCredit(new CreditWrite("ann", "c1", 0, utf8("wallet after c1"), utf8("credit c1"))));
        assertThat(credit.wallet()).isEmpty();

        GuardedWrite written = await(records.commitPurchase(purchase(read, "sword", "r1", OptionalLong.of(4))));

        assertThat(written).isEqualTo(Conflict.changed());
        assertThat(await(records.readPurchase("ann", "r1", "sword")).record()).isEmpty();
        assertThat(await(records.listing()).stockByGood()).isEqualTo(Map.of("sword", 5L));
    }

    @Test
    void aGoodReplacedSinceTheReadIsAConflict() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword"), OptionalLong.empty()));
        PurchaseRead read = await(records.readPurchase("ann", "r1", "sword"));
        await(records.replaceGood("sword", utf8("dearer sword"), OptionalLong.empty()));

        assertThat(await(records.commitPurchase(purchase(read, "sword", "r1", OptionalLong.empty()))))
                .isEqualTo(Conflict.changed());
    }

    @Test
    void stockTakenSinceTheReadIsAConflict() {
        StoreRecords records = records();
        await(records.seedGood("sword", utf8("sword"), OptionalLong.of(5)));
        PurchaseRead first = await(records.readPurchase("ann", "r1", "sword"));
        PurchaseRead second = await(records.readPurchase("bob", "r1", "sword"));
        await(records.commitPurchase(purchase(first, "sword", "r1", OptionalLong.of(4))));

        PurchaseWrite bob = new PurchaseWrite("bob", "r1", "sword", second.good().orElseThrow().modRevision(), 0,
                second.stock().orElseThrow().modRevision(), utf8("bob's wallet"), OptionalLong.of(4), utf8("bob r1"));
        assertThat(await(records.commitPurchase(bob))).isEqualTo(Conflict.changed());
    }

    @Test
    void aCreditOnWhatWasReadCommitsAndTheSameRequestAgainCarriesItsRecord() {
        StoreRecords records = records();
        CreditRead read = await(records.readCredit("ann", "c1"));
        assertThat(read.record()).isEmpty();
        CreditWrite write = new CreditWrite("ann", "c1", 0, utf8("wallet after c1"), utf8("credit c1"));

        GuardedWrite first = await(records.commitCredit(write));
        GuardedWrite again = await(records.commitCredit(write));

        assertThat(first).isInstanceOf(Committed.class);
        assertThat(again).isInstanceOfSatisfying(Conflict.class, c -> assertThat(c.record())
                .hasValueSatisfying(r -> assertThat(text(r.value())).isEqualTo("credit c1")));
        CreditRead after = await(records.readCredit("ann", "c1"));
        assertThat(after.wallet()).hasValueSatisfying(w -> {
            assertThat(text(w.value())).isEqualTo("wallet after c1");
            assertThat(w.modRevision()).isEqualTo(((Committed) first).revision());
        });
    }

    @Test
    void aCreditOnAStaleWalletIsAConflictWithoutARecord() {
        StoreRecords records = records();
        await(records.commitCredit(new CreditWrite("ann", "c1", 0, utf8("wallet 1"), utf8("credit c1"))));

        GuardedWrite stale = await(records.commitCredit(new CreditWrite("ann", "c2", 0, utf8("wallet 2"),
                utf8("credit c2"))));

        assertThat(stale).isEqualTo(Conflict.changed());
        assertThat(await(records.wallet("ann"))).hasValueSatisfying(w -> assertThat(text(w.value())).isEqualTo("wallet 1"));
    }

    private static PurchaseWrite purchase(PurchaseRead read, String goodId, String requestId, OptionalLong stockLeft) {
        return new PurchaseWrite("ann", requestId, goodId, read.good().orElseThrow().modRevision(), read.wallet().map(Stored::modRevision).orElse(0L),
                read.stock().map(StoreRecords.Stock::modRevision).orElse(0L), utf8("wallet after " + requestId),
                stockLeft, utf8("record " + requestId));
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
