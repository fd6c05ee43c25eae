package dev.gamestate.state;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@link StoreRecords} on jetcd's KV client. A purchase is at most 4 compares and 3 ops, a credit 2
 * and 2 (docs/etcd-layout.md, "Transactions").
 */
final class EtcdStoreRecords implements StoreRecords {

    private static final GetOption PREFIX = GetOption.builder().isPrefix(true).build();

    private final Etcd etcd;
    private final Keys keys;

    EtcdStoreRecords(Etcd etcd) {
        this.etcd = etcd;
        this.keys = etcd.keys();
    }

    @Override
    public CompletableFuture<Void> seedGood(String goodId, byte[] entry, OptionalLong stock) {
        ByteSequence entryKey = Keys.bytes(keys.good(goodId));
        List<Op> create = new ArrayList<>(2);
        create.add(Op.put(entryKey, Keys.bytes(entry), PutOption.DEFAULT));
        if (stock.isPresent()) {
            ByteSequence stockKey = Keys.bytes(keys.stock(goodId));
            create.add(Op.txn(
                    new Cmp[] {absent(stockKey)},
                    new Op[] {Op.put(stockKey, stockValue(stock.getAsLong()), PutOption.DEFAULT)},
                    new Op[0]));
        }
        return etcd.call(EtcdOp.TXN,
                        () -> etcd.kv().txn().If(absent(entryKey)).Then(create.toArray(Op[]::new)).commit())
                .thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<Stored>> goods() {
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(keys.catalog()), PREFIX))
                .thenApply(r -> r.getKvs().stream().map(EtcdStoreRecords::stored).toList());
    }

    @Override
    public CompletableFuture<Listing> listing() {
        ByteSequence entries = Keys.bytes(keys.catalog());
        String stockPrefix = keys.stock("");
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .Then(Op.get(entries, PREFIX), Op.get(Keys.bytes(stockPrefix), PREFIX))
                        .commit())
                .thenApply(r -> {
                    Map<String, Long> stockByGood = new HashMap<>();
                    for (KeyValue kv : r.getGetResponses().get(1).getKvs()) {
                        stockByGood.put(text(kv.getKey()).substring(stockPrefix.length()), stockOf(kv));
                    }
                    List<Stored> goods = r.getGetResponses().get(0).getKvs().stream()
                            .map(EtcdStoreRecords::stored).toList();
                    return new Listing(goods, stockByGood);
                });
    }

    @Override
    public CompletableFuture<Long> replaceGood(String goodId, byte[] entry, OptionalLong stock) {
        ByteSequence stockKey = Keys.bytes(keys.stock(goodId));
        Op stockOp = stock.isPresent()
                ? Op.put(stockKey, stockValue(stock.getAsLong()), PutOption.DEFAULT)
                : Op.delete(stockKey, DeleteOption.DEFAULT);
        Op entryOp = Op.put(Keys.bytes(keys.good(goodId)), Keys.bytes(entry), PutOption.DEFAULT);
        // Every key a transaction writes gets the transaction's revision.
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn().Then(entryOp, stockOp).commit())
                .thenApply(r -> r.getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Optional<Stored>> wallet(String userId) {
        return etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(keys.wallet(userId))))
                .thenApply(EtcdStoreRecords::first);
    }

    @Override
    public CompletableFuture<PurchaseRead> readPurchase(String userId, String requestId, String goodId) {
        // One read at one revision: the entry is read with the wallet so no node ever sells at a stale price.
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .Then(get(keys.purchase(userId, requestId)), get(keys.wallet(userId)),
                                get(keys.stock(goodId)), get(keys.good(goodId)))
                        .commit())
                .thenApply(r -> {
                    List<GetResponse> got = r.getGetResponses();
                    Optional<Stock> stock = got.get(2).getKvs().stream().findFirst()
                            .map(kv -> new Stock(stockOf(kv), kv.getModRevision()));
                    return new PurchaseRead(first(got.get(0)), first(got.get(1)), stock, first(got.get(3)));
                });
    }

    @Override
    public CompletableFuture<GuardedWrite> commitPurchase(PurchaseWrite write) {
        ByteSequence recordKey = Keys.bytes(keys.purchase(write.userId(), write.requestId()));
        ByteSequence stockKey = Keys.bytes(keys.stock(write.goodId()));
        List<Op> writes = new ArrayList<>(3);
        writes.add(Op.put(Keys.bytes(keys.wallet(write.userId())), Keys.bytes(write.wallet()), PutOption.DEFAULT));
        if (write.stockLeft().isPresent()) {
            writes.add(Op.put(stockKey, stockValue(write.stockLeft().getAsLong()), PutOption.DEFAULT));
        }
        writes.add(Op.put(recordKey, Keys.bytes(write.record()), PutOption.DEFAULT));
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .If(absent(recordKey),
                                unchanged(Keys.bytes(keys.wallet(write.userId())), write.walletRevision()),
                                unchanged(stockKey, write.stockRevision()),
                                new Cmp(Keys.bytes(keys.good(write.goodId())), Cmp.Op.EQUAL,
                                        CmpTarget.modRevision(write.goodRevision())))
                        .Then(writes.toArray(Op[]::new))
                        .Else(Op.get(recordKey, GetOption.DEFAULT))
                        .commit())
                .thenApply(EtcdStoreRecords::settle);
    }

    @Override
    public CompletableFuture<CreditRead> readCredit(String userId, String requestId) {
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .Then(get(keys.credit(userId, requestId)), get(keys.wallet(userId)))
                        .commit())
                .thenApply(r -> new CreditRead(first(r.getGetResponses().get(0)), first(r.getGetResponses().get(1))));
    }

    @Override
    public CompletableFuture<GuardedWrite> commitCredit(CreditWrite write) {
        ByteSequence recordKey = Keys.bytes(keys.credit(write.userId(), write.requestId()));
        ByteSequence walletKey = Keys.bytes(keys.wallet(write.userId()));
        return etcd.call(EtcdOp.TXN, () -> etcd.kv().txn()
                        .If(absent(recordKey), unchanged(walletKey, write.walletRevision()))
                        .Then(Op.put(walletKey, Keys.bytes(write.wallet()), PutOption.DEFAULT),
                                Op.put(recordKey, Keys.bytes(write.record()), PutOption.DEFAULT))
                        .Else(Op.get(recordKey, GetOption.DEFAULT))
                        .commit())
                .thenApply(EtcdStoreRecords::settle);
    }

    // The Else branch read the request's record: present when another copy of the request won.
    private static GuardedWrite settle(TxnResponse response) {
        if (response.isSucceeded()) {
            return new Committed(response.getHeader().getRevision());
        }
        return new Conflict(first(response.getGetResponses().getFirst()));
    }

    private static Op get(String key) {
        return Op.get(Keys.bytes(key), GetOption.DEFAULT);
    }

    /** A comparison that holds while {@code key} does not exist. */
    private static Cmp absent(ByteSequence key) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
    }

    /** A comparison that holds while {@code key} is at {@code modRevision}, or absent for 0. */
    private static Cmp unchanged(ByteSequence key, long modRevision) {
        return modRevision == 0 ? absent(key) : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    }

    /** A stock count as stored: decimal text. */
    private static ByteSequence stockValue(long stock) {
        return Keys.bytes(Long.toString(stock));
    }

    private static long stockOf(KeyValue kv) {
        try {
            return Long.parseLong(text(kv.getValue()));
        } catch (NumberFormatException e) {
            throw new GameException(ErrorCode.INTERNAL, "stored stock is unreadable", e);
        }
    }

    private static Optional<Stored> first(GetResponse response) {
        return response.getKvs().stream().findFirst().map(EtcdStoreRecords::stored);
    }

    private static Stored stored(KeyValue kv) {
        return new Stored(kv.getValue().getBytes(), kv.getModRevision());
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
