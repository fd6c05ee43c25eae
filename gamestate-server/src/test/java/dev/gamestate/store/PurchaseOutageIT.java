package dev.gamestate.store;

import static dev.gamestate.store.StoreNode.await;
import static dev.gamestate.store.StoreNode.good;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import dev.gamestate.testing.RecordingConnection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Purchases while etcd does not answer: {@code unavailable}, and nothing half-done. */
class PurchaseOutageIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aPurchaseWhileEtcdIsFrozenIsUnavailableAndTheRetryBuysExactlyOnce() {
        GameConfig config = StoreNode.config(ETCD,
                StoreNode.economy(1000, good("sword", 100, OptionalLong.of(5), OptionalInt.empty())),
                Map.of("GAMESTATE_ETCD_REQUEST_TIMEOUT", "400ms"));
        EtcdProcess etcd = ETCD.cluster().member(0);
        try (StoreNode node = StoreNode.start(config)) {
            RecordingConnection ann = RecordingConnection.player("ann");
            etcd.pause();
            Throwable thrown;
            try {
                thrown = catchThrowable(() -> node.buy(ann, "sword", 1, "req-1").get(10, TimeUnit.SECONDS));
            } finally {
                etcd.resume();
            }
            GameException error = GameException.from(thrown);
            assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(error.retryAfterMs()).isPresent();

            PurchaseResult retried = await(node.buy(ann, "sword", 1, "req-1"));
            assertThat(retried.replayed()).isFalse();
            Wallet wallet = node.storedWallet("ann");
            assertThat(wallet.balance()).isEqualTo(Map.of("gold", 900L));
            assertThat(wallet.inventory()).isEqualTo(Map.of("sword", 1L));
        }
    }
}
