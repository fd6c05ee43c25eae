package dev.gamestate.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The store's records: catalog entries and the stock of limited goods, wallets, and the exactly-once
 * purchase and credit records (keys in docs/etcd-layout.md). Values are opaque bytes to this layer
 * except stock, a count. Reads answer each value with its key's mod revision, at one revision per call;
 * commits are guarded by those revisions and by the request's record being absent, and answer
 * {@link Committed} or {@link Conflict} (carrying the record when another copy of the request won).
 * Calls that cannot reach etcd fail with {@code unavailable}.
 */
public interface StoreRecords {

    /** The records kept in {@code etcd}. */
    static StoreRecords inEtcd(Etcd etcd) {
        return new EtcdStoreRecords(etcd);
    }

    /**
     * The stock of a limited good as read.
     *
     * @param left        how many are left
     * @param modRevision the stock key's mod revision
     */
    record Stock(long left, long modRevision) {
    }

    /**
     * Every good's entry and the stock of the limited ones, read at one revision.
     *
     * @param goods      the entries, in good id order
     * @param stockByGood what is left of each limited good, by good id
     */
    record Listing(List<Stored> goods, Map<String, Long> stockByGood) {
    }

    /**
     * What a purchase reads, at one revision.
     *
     * @param record the request's purchase record, when the request was already made
     * @param wallet the buyer's wallet, when one is stored
     * @param stock  the good's stock, when the good is limited
     * @param good   the good's catalog entry, when it is listed
     */
    record PurchaseRead(Optional<Stored> record, Optional<Stored> wallet, Optional<Stock> stock,
                        Optional<Stored> good) {
    }

    /**
     * A purchase's writes and the revisions they are guarded on; revision 0 means "still absent".
     *
     * @param userId         the buyer
     * @param requestId      the request's id: the record is written only while none exists for it
     * @param goodId         the good bought
     * @param goodRevision   the entry's mod revision as read (no sale at a price changed meanwhile)
     * @param walletRevision the wallet's mod revision as read
     * @param stockRevision  the stock's mod revision as read
     * @param wallet         the wallet after the purchase
     * @param stockLeft      the stock after the purchase; empty for a good that is not limited
     * @param record         the purchase record
     */
    record PurchaseWrite(String userId, String requestId, String goodId, long goodRevision, long walletRevision,
                         long stockRevision, byte[] wallet, OptionalLong stockLeft, byte[] record) {
    }

    /**
     * What a credit reads, at one revision.
     *
     * @param record the request's credit record, when the request was already made
     * @param wallet the wallet, when one is stored
     */
    record CreditRead(Optional<Stored> record, Optional<Stored> wallet) {
    }

    /**
     * A credit's writes, guarded on the wallet's mod revision as read (0: still absent).
     *
     * @param userId         the wallet's owner
     * @param requestId      the request's id: the record is written only while none exists for it
     * @param walletRevision the wallet's mod revision as read
     * @param wallet         the wallet after the credit
     * @param record         the credit record
     */
    record CreditWrite(String userId, String requestId, long walletRevision, byte[] wallet, byte[] record) {
    }

    /**
     * Writes a good's entry, and its stock when given, unless the entry exists; a stock already there is
     * never reset (it holds what purchases left).
     */
    CompletableFuture<Void> seedGood(String goodId, byte[] entry, OptionalLong stock);

    /** Every good's entry, in good id order. */
    CompletableFuture<List<Stored>> goods();

    /** Every good's entry with the stock of the limited ones, at one revision. */
    CompletableFuture<Listing> listing();

    /**
     * Replaces a good's entry; with {@code stock} the good is limited to that many from now on, without
     * it the good is no longer limited. Completes with the revision both were written at.
     */
    CompletableFuture<Long> replaceGood(String goodId, byte[] entry, OptionalLong stock);

    /** The wallet of {@code userId}, when one is stored. */
    CompletableFuture<Optional<Stored>> wallet(String userId);

    /** What a purchase of {@code goodId} by {@code userId} under {@code requestId} needs to read. */
    CompletableFuture<PurchaseRead> readPurchase(String userId, String requestId, String goodId);

    /** Writes a purchase if nothing it read changed and the request has no record yet. */
    CompletableFuture<GuardedWrite> commitPurchase(PurchaseWrite write);

    /** What a credit to {@code userId} under {@code requestId} needs to read. */
    CompletableFuture<CreditRead> readCredit(String userId, String requestId);

    /** Writes a credit if the wallet did not change since the read and the request has no record yet. */
    CompletableFuture<GuardedWrite> commitCredit(CreditWrite write);
}
