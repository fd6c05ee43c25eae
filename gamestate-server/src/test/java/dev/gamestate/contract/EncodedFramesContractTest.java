package dev.gamestate.contract;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SpecificationVersion;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.AckResult;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.messaging.Delivery;
import dev.gamestate.messaging.MessageEvent;
import dev.gamestate.messaging.MessageEvents;
import dev.gamestate.messaging.SendResult;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.BroadcastEvent;
import dev.gamestate.rooms.BroadcastResult;
import dev.gamestate.rooms.HistoryResult;
import dev.gamestate.rooms.PresenceEvent;
import dev.gamestate.rooms.PresenceResult;
import dev.gamestate.rooms.RoomEvents;
import dev.gamestate.rooms.SnapshotEvent;
import dev.gamestate.rooms.SnapshotReason;
import dev.gamestate.rooms.SubscribeResult;
import dev.gamestate.rooms.UnsubscribeResult;
import dev.gamestate.store.CatalogListing;
import dev.gamestate.store.Good;
import dev.gamestate.store.PurchaseResult;
import dev.gamestate.store.StoreEvents;
import dev.gamestate.store.WalletView;
import dev.gamestate.transport.Ping;
import dev.gamestate.transport.TokenRefresh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the code encodes fits docs/asyncapi.yaml, beside what protocol.md captured: one event of every
 * push type the code declares, and the ack of every request, built from the code's own records and
 * encoded by {@link WireCodec}. A push type added without a sample here fails the test.
 */
class EncodedFramesContractTest {

    private static final Instant NOW = Instant.parse("2026-12-01T05:38:55.922Z");
    private static final String EVENT_ID = "1796103535922-0c6e9b2a-000003";
    private static final String EPOCH = "OC12iTAZUyTshwyZ";

    private final WireCodec codec = WireCodec.create();
    private final AsyncApiContract contract = new AsyncApiContract(
            ContractDoc.read(Repo.path("docs/asyncapi.yaml"), SpecificationVersion.DRAFT_7));

    private JsonNode read(byte[] frame) {
        try {
            return codec.mapper().readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode encode(OutboundEvent event) {
        return read(codec.encode(event));
    }

    private static ObjectNode object(String key, Object value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putPOJO(key, value);
        return node;
    }

    private static PurchaseResult purchase() {
        return new PurchaseResult("f7f9eba2-7c44-4b9d-b116-a7f76a70011b", "potion", 2, 10, "gold",
                Map.of("gold", 980L), 2, false);
    }

    private List<JsonNode> pushedEvents() {
        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("phase", "play");
        return List.of(
                encode(new OutboundEvent.InRoom<>(RoomEvents.BROADCAST_EVENT, EVENT_ID, Namespace.PRIVATE, "alice", NOW,
                        "match-1", 1, new BroadcastEvent(Optional.of(patch), Optional.of(object("fx", "goal"))))),
                encode(new OutboundEvent.InRoom<>(MessageEvents.MESSAGE, EVENT_ID, Namespace.GUEST, "guest-0123456789abcdef",
                        NOW, "lobby", 2, new MessageEvent(EVENT_ID, "guest-0123456789abcdef", Optional.empty(),
                        Optional.of("lobby"), "nice one", Optional.empty()))),
                encode(new OutboundEvent.ToUser<>(MessageEvents.MESSAGE, EVENT_ID, Namespace.PRIVATE, "alice", NOW,
                        new MessageEvent(EVENT_ID, "alice", Optional.of("bob"), Optional.empty(), "rematch?",
                                Optional.of(object("invite", true))))),
                encode(new OutboundEvent.InRoom<>(RoomEvents.SNAPSHOT, EVENT_ID, Namespace.PRIVATE, "system", NOW,
                        "lobby-7", 0, new SnapshotEvent(JsonNodeFactory.instance.objectNode(), SnapshotReason.RESET,
                        Optional.of(EPOCH)))),
                encode(new OutboundEvent.InRoom<>(RoomEvents.SNAPSHOT, EVENT_ID, Namespace.PRIVATE, "system", NOW,
                        "match-1", 57, new SnapshotEvent(patch, SnapshotReason.CONFLATED, Optional.empty()))),
                encode(new OutboundEvent.AboutRoom<>(RoomEvents.PRESENCE_EVENT, EVENT_ID, Namespace.PRIVATE, "system",
                        NOW, "match-1", new PresenceEvent("match-1", List.of("bob"), List.of(), 2, true))),
                encode(new OutboundEvent.AboutRoom<>(RoomEvents.PRESENCE_EVENT, EVENT_ID, Namespace.PRIVATE, "system",
                        NOW, "match-1", new PresenceEvent("match-1", List.of(), List.of(), 3, false))),
                encode(new OutboundEvent.ToUser<>(StoreEvents.PURCHASE, EVENT_ID, Namespace.PRIVATE, "alice", NOW,
                        purchase())));
    }

    @Test
    void anEventOfEveryPushTypeFitsItsMessage() {
        Set<String> sampled = new TreeSet<>();
        for (JsonNode event : pushedEvents()) {
            sampled.add(event.get("type").asText());

            assertThat(contract.checkServerFrame("encoded", event)).as("%s", event).isEmpty();
        }

        assertThat(sampled).as("a sample of each push type the code declares")
                .containsExactlyInAnyOrderElementsOf(WireTypes.pushTypes().keySet());
    }

    @Test
    void theAckOfEveryRequestFitsItsResultMessage() {
        JsonNode inHistory = pushedEvents().getFirst();
        Map<String, List<AckResult>> acks = Map.ofEntries(
                Map.entry("ping", List.of(new Ping.PingResult(WireCodec.TIMESTAMP.format(NOW)))),
                Map.entry("subscribe", List.of(
                        new SubscribeResult("match-1", 0, Optional.empty(), JsonNodeFactory.instance.objectNode(),
                                Optional.empty(), OptionalLong.empty()),
                        new SubscribeResult("lobby-7", 3, Optional.of(EPOCH), object("round", 3), Optional.of(false),
                                OptionalLong.of(1)))),
                Map.entry("unsubscribe", List.of(new UnsubscribeResult())),
                Map.entry("history", List.of(new HistoryResult("match-1", 1, Optional.of(EPOCH), List.of(inHistory), true))),
                Map.entry("presence", List.of(new PresenceResult("match-1",
                        List.of(new PresenceResult.Member("alice", 1), new PresenceResult.Member("bob", 2)), 2, true))),
                Map.entry("catalog", List.of(new CatalogListing(List.of(
                        new Good("potion", "Health Potion", 10, "gold", OptionalLong.empty(), OptionalInt.of(50)),
                        new Good("sword", "Iron Sword", 100, "gold", OptionalLong.of(1000), OptionalInt.empty()))))),
                Map.entry("wallet", List.of(new WalletView(Map.of("gold", 980L), Map.of("potion", 2L)))),
                Map.entry("broadcast", List.of(new BroadcastResult("match-1", 1, EVENT_ID),
                        new BroadcastResult("match-9", 1, EVENT_ID, Optional.of(true)))),
                Map.entry("sendMessage", List.of(new SendResult.InRoom(EVENT_ID, "match-1", 2),
                        new SendResult.Direct(EVENT_ID, Delivery.QUEUED))),
                Map.entry("buyGood", List.of(purchase())),
                Map.entry("refresh", List.of(new TokenRefresh.RefreshResult(WireCodec.TIMESTAMP.format(NOW)))));
        List<String> problems = new ArrayList<>();

        acks.forEach((request, results) -> results.forEach(result -> {
            JsonNode ack = read(codec.ack("7", result));
            contract.errors(request + AsyncApiContract.RESULT_SUFFIX, ack)
                    .forEach(e -> problems.add(request + " " + ack + ": " + e));
        }));

        assertThat(problems).isEmpty();
        assertThat(acks.keySet()).as("an ack of every request asyncapi lists")
                .containsExactlyInAnyOrderElementsOf(contract.messages("send").keySet());
    }
}
