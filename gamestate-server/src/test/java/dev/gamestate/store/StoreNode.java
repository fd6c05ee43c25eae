package dev.gamestate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.event.AckResult;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.EventType;
import dev.gamestate.event.Reply;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.StoreRecords;
import dev.gamestate.state.UserNotifications;
import dev.gamestate.testing.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One simulated server node for store tests: its own etcd client, its own store, real etcd behind. */
final class StoreNode implements AutoCloseable {

    static final WireCodec CODEC = WireCodec.create();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).registerModule(new Jdk8Module())
            .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

    final GameConfig config;
    final Etcd etcd;
    final JsonValues json;
    final StoreService store;
    final EventRegistry registry;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("store-node-scheduler").factory());

    private StoreNode(GameConfig config) {
        this.config = config;
        this.etcd = Etcd.create(config.etcd());
        this.json = new JsonValues(CODEC.mapper());
        this.store = new StoreService(config.economy(), etcd, json, new UserNotifications(etcd), CODEC, scheduler);
        EventRegistry.Builder builder = EventRegistry.builder();
        store.register(builder);
        this.registry = builder.build();
    }

    /** Starts a node (seeding the catalog) on {@code config}. */
    static StoreNode start(GameConfig config) {
        StoreNode node = new StoreNode(config);
        await(node.store.start());
        return node;
    }

    /** A configuration under a fresh key prefix, with the shipped defaults except for {@code economy}. */
    static GameConfig config(EtcdExtension etcd, GameConfig.Economy economy) {
        return config(etcd, economy, Map.of());
    }

    /**
     * A configuration under a fresh key prefix with {@code economy}, passed through a YAML file the way an
     * operator would, and {@code env} on top.
     */
    static GameConfig config(EtcdExtension etcd, GameConfig.Economy economy, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("GAMESTATE_ETCD_ENDPOINTS", etcd.endpointsCsv());
        all.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40));
        all.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40));
        all.put("GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID() + "/");
        Path file = null;
        try {
            file = Files.createTempFile("store-economy", ".yaml");
            YAML.writeValue(file.toFile(), Map.of("economy", economy));
            GameConfig config = ConfigSource.load(Optional.of(file), all).bind();
            assertThat(config.economy()).isEqualTo(economy);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /** An economy with {@code gold} as the only starting balance and {@code goods} for sale. */
    static GameConfig.Economy economy(long gold, GameConfig.Good... goods) {
        return new GameConfig.Economy(Map.of("gold", gold), List.of(goods));
    }

    /** A good sold for gold. */
    static GameConfig.Good good(String id, long price, OptionalLong stock, OptionalInt maxPerUser) {
        return new GameConfig.Good(id, "The " + id, price, "gold", stock, maxPerUser);
    }

    /** Sends a request the way the transport would, and answers the ack result. */
    <P extends EventPayload> CompletableFuture<AckResult> request(Connection caller, EventType<P> type, P payload) {
        Event<P> event = new Event<>("r-" + UUID.randomUUID(), type, caller.namespace(), caller.userId(),
                Instant.now(), payload);
        return registry.dispatch(event, caller).thenApply(Reply::result);
    }

    /** Buys through the request handler. */
    CompletableFuture<PurchaseResult> buy(Connection caller, String goodId, int quantity, String requestId) {
        return request(caller, StoreEvents.BUY_GOOD, StoreEvents.BuyGoodRequest.of(goodId, quantity, requestId))
                .thenApply(PurchaseResult.class::cast);
    }

    /** The caller's wallet through the request handler. */
    WalletView wallet(Connection caller) {
        return (WalletView) await(request(caller, StoreEvents.WALLET, new StoreEvents.WalletRequest()));
    }

    /** The stored wallet of {@code userId}, with its bookkeeping. */
    Wallet storedWallet(String userId) {
        return await(new Wallets(StoreRecords.inEtcd(etcd), json, config.economy().startingBalance()).current(userId));
    }

    /** Waits for {@code future}, failing the test after ten seconds. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("did not complete: " + e, e);
        }
    }

    /** The error code {@code future} fails with. */
    static ErrorCode failure(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
        assertThat(thrown).as("expected a failure").isNotNull();
        assertThat(GameException.from(thrown).code()).as("failure of %s", thrown).isNotEqualTo(ErrorCode.INTERNAL);
        return GameException.from(thrown).code();
    }

    @Override
    public void close() {
        etcd.close();
        scheduler.shutdownNow();
    }
}
