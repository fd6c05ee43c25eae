package dev.gamestate.store;

import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Wallets in etcd at {@code wallets/<user>}: reading them and guarding writes on what was read. */
final class Wallets {

    /**
     * A wallet as read, and the revision it was read at.
     *
     * @param wallet      the wallet; the opening wallet when none is stored
     * @param modRevision the key's mod revision; 0 when no wallet is stored
     */
    record Snapshot(Wallet wallet, long modRevision) {
    }

    private final Etcd etcd;
    private final JsonValues json;
    private final Map<String, Long> startingBalance;

    Wallets(Etcd etcd, JsonValues json, Map<String, Long> startingBalance) {
        this.etcd = etcd;
        this.json = json;
        this.startingBalance = Map.copyOf(startingBalance);
    }

    /** The key of {@code userId}'s wallet. */
    ByteSequence key(String userId) {
        return Keys.bytes(etcd.keys().wallet(userId));
    }

    /** The op that reads a wallet inside a transaction. */
    Op get(String userId) {
        return Op.get(key(userId), GetOption.DEFAULT);
    }

    /** The wallet a {@link #get} answered. */
    Snapshot snapshot(GetResponse response) {
        if (response.getKvs().isEmpty()) {
            return new Snapshot(Wallet.opening(startingBalance), 0);
        }
        KeyValue kv = response.getKvs().getFirst();
        return new Snapshot(json.read(kv.getValue(), Wallet.class), kv.getModRevision());
    }

    /** The current wallet of {@code userId}. */
    CompletableFuture<Wallet> current(String userId) {
        return etcd.call(() -> etcd.kv().get(key(userId))).thenApply(r -> snapshot(r).wallet());
    }

    /** A comparison that holds while the wallet is still as {@code read} saw it. */
    Cmp unchanged(String userId, Snapshot read) {
        return read.modRevision() == 0
                ? Catalog.absent(key(userId))
                : new Cmp(key(userId), Cmp.Op.EQUAL, CmpTarget.modRevision(read.modRevision()));
    }

    /** The op that writes {@code wallet}. */
    Op put(String userId, Wallet wallet) {
        return Op.put(key(userId), Keys.bytes(json.write(wallet)), PutOption.DEFAULT);
    }
}
