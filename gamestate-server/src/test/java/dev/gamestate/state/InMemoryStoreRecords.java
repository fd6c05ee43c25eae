package dev.gamestate.state;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@link StoreRecords} in memory, for fast tests of the store's rules: one revision counter and one
 * sorted map of keys, so reads, guards and revisions behave as etcd's do ({@code StoreRecordsContract}
 * holds both to the same cases). Every call completes at once, on the caller's thread.
 *
 * <p>Tests can play a concurrent writer ({@link #beforeNextCommit}) or an outage ({@link #failNextCalls}).
 */
public final class InMemoryStoreRecords implements StoreRecords {

    private final NavigableMap<String, Stored> keys = new TreeMap<>();
    private final Queue<Runnable> beforeCommit = new ArrayDeque<>();
    private long revision = 1;
    private int failing;

    /** Runs {@code writer} just before the next commit checks its guards, as a racing node would. */
    public synchronized void beforeNextCommit(Runnable writer) {
        beforeCommit.add(writer);
    }

    /** The next {@code calls} calls fail with {@code unavailable}, as when etcd cannot be reached. */
    public synchronized void failNextCalls(int calls) {
        failing = calls;
    }

    /** Writes {@code wallet} as another node would; completes with the new revision. */
    public synchronized long putWallet(String userId, byte[] wallet) {
        return put("wallets/" + userId, wallet);
    }

    /** Sets a good's stock as another node would. */
    public synchronized void putStock(String goodId, long stock) {
        put("stock/" + goodId, text(stock));
    }

    @Override
    public synchronized CompletableFuture<Void> seedGood(String goodId, byte[] entry, OptionalLong stock) {
        return answer(() -> {
            if (!keys.containsKey(goodKey(goodId))) {
                revision++;
                keys.put(goodKey(goodId), new Stored(entry.clone(), revision));
                if (stock.isPresent() && !keys.containsKey(stockKey(goodId))) {
                    keys.put(stockKey(goodId), new Stored(text(stock.getAsLong()), revision));
                }
            }
            return null;
        });
    }

    @Override
    public synchronized CompletableFuture<List<Stored>> goods() {
        return answer(() -> List.copyOf(keys.subMap("catalog/", "catalog0").values()));
    }

    @Override
    public synchronized CompletableFuture<Listing> listing() {
        return answer(() -> {
            Map<String, Long> stockByGood = new HashMap<>();
            keys.subMap("stock/", "stock0").forEach((key, stored) ->
                    stockByGood.put(key.substring("stock/".length()), count(stored)));
            return new Listing(List.copyOf(keys.subMap("catalog/", "catalog0").values()), stockByGood);
        });
    }

    @Override
    public synchronized CompletableFuture<Long> replaceGood(String goodId, byte[] entry, OptionalLong stock) {
        return answer(() -> {
            revision++;
            keys.put(goodKey(goodId), new Stored(entry.clone(), revision));
            if (stock.isPresent()) {
                keys.put(stockKey(goodId), new Stored(text(stock.getAsLong()), revision));
            } else {
                keys.remove(stockKey(goodId));
            }
            return revision;
        });
    }

    @Override
    public synchronized CompletableFuture<Optional<Stored>> wallet(String userId) {
        return answer(() -> read(walletKey(userId)));
    }

    @Override
    public synchronized CompletableFuture<PurchaseRead> readPurchase(String userId, String requestId, String goodId) {
        return answer(() -> new PurchaseRead(read(purchaseKey(userId, requestId)), read(walletKey(userId)),
                read(stockKey(goodId)).map(s -> new Stock(count(s), s.modRevision())), read(goodKey(goodId))));
    }

    @Override
    public CompletableFuture<GuardedWrite> commitPurchase(PurchaseWrite write) {
        runRacingWriters();
        synchronized (this) {
            return answer(() -> {
                String record = purchaseKey(write.userId(), write.requestId());
                boolean holds = !keys.containsKey(record)
                        && at(walletKey(write.userId()), write.walletRevision())
                        && at(stockKey(write.goodId()), write.stockRevision())
                        && keys.containsKey(goodKey(write.goodId()))
                        && keys.get(goodKey(write.goodId())).modRevision() == write.goodRevision();
                if (!holds) {
                    return new Conflict(read(record));
                }
                revision++;
                keys.put(walletKey(write.userId()), new Stored(write.wallet().clone(), revision));
                if (write.stockLeft().isPresent()) {
                    keys.put(stockKey(write.goodId()), new Stored(text(write.stockLeft().getAsLong()), revision));
                }
                keys.put(record, new Stored(write.record().clone(), revision));
                return new Committed(revision);
            });
        }
    }

    @Override
    public synchronized CompletableFuture<CreditRead> readCredit(String userId, String requestId) {
        return answer(() -> new CreditRead(read(creditKey(userId, requestId)), read(walletKey(userId))));
    }

    @Override
    public CompletableFuture<GuardedWrite> commitCredit(CreditWrite write) {
        runRacingWriters();
        synchronized (this) {
            return answer(() -> {
                String record = creditKey(write.userId(), write.requestId());
                if (keys.containsKey(record) || !at(walletKey(write.userId()), write.walletRevision())) {
                    return new Conflict(read(record));
                }
                revision++;
                keys.put(walletKey(write.userId()), new Stored(write.wallet().clone(), revision));
                keys.put(record, new Stored(write.record().clone(), revision));
                return new Committed(revision);
            });
        }
    }

    private void runRacingWriters() {
        List<Runnable> writers;
        synchronized (this) {
            writers = new ArrayList<>(beforeCommit);
            beforeCommit.clear();
        }
        writers.forEach(Runnable::run);
    }

    private <T> CompletableFuture<T> answer(Supplier<T> call) {
        if (failing > 0) {
            failing--;
            return CompletableFuture.failedFuture(new GameException(ErrorCode.UNAVAILABLE, "etcd is down (fake)", 500));
        }
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private long put(String key, byte[] value) {
        revision++;
        keys.put(key, new Stored(value.clone(), revision));
        return revision;
    }

    // As etcd compares a missing key: its mod revision is 0.
    private boolean at(String key, long modRevision) {
        Stored stored = keys.get(key);
        return (stored == null ? 0 : stored.modRevision()) == modRevision;
    }

    private Optional<Stored> read(String key) {
        return Optional.ofNullable(keys.get(key)).map(s -> new Stored(s.value().clone(), s.modRevision()));
    }

    private static long count(Stored stored) {
        return Long.parseLong(new String(stored.value(), StandardCharsets.UTF_8));
    }

    private static byte[] text(long count) {
        return Long.toString(count).getBytes(StandardCharsets.UTF_8);
    }

    private static String goodKey(String goodId) {
        return "catalog/" + goodId;
    }

    private static String stockKey(String goodId) {
        return "stock/" + goodId;
    }

    private static String walletKey(String userId) {
        return "wallets/" + userId;
    }

    private static String purchaseKey(String userId, String requestId) {
        return "purchases/" + userId + "/" + requestId;
    }

    private static String creditKey(String userId, String requestId) {
        return "credits/" + userId + "/" + requestId;
    }
}
