package dev.gamestate.messaging;

import static dev.gamestate.rooms.ServiceNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import dev.gamestate.rooms.RoomService;
import dev.gamestate.rooms.ServiceNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MessagingServiceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SEND = "core.game.state.send_message";

    private final List<ServiceNode> nodes = new ArrayList<>();
    private final Map<ServiceNode, MessagingService> messaging = new HashMap<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(ServiceNode::close);
    }

    private GameConfig config(Map<String, String> overrides) {
        return ServiceNode.config(ETCD.endpointsCsv(), overrides);
    }

    private ServiceNode node(GameConfig config, String name) {
        ServiceNode node = ServiceNode.start(config, name);
        MessagingService service = new MessagingService(config, node.etcd(), node.rooms(), node.sessions(),
                node.notifications(), node.outbox(), node.codec(), Clock.systemUTC());
        node.add(service, service, service::register);
        node.onInboxWaiting(service::deliverInbox);
        nodes.add(node);
        messaging.put(node, service);
        return node;
    }

    private ServiceNode node() {
        return node(config(Map.of()), "node-a");
    }

    @Test
    void aRoomMessageJoinsTheRoomStreamWithoutChangingTheState() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        RecordingConnection bob = node.player("bob");
        node.request(alice, "subscribe", "{\"room\":\"chat\"}");
        node.request(bob, "subscribe", "{\"room\":\"chat\"}");
        node.request(alice, "core.game.state.broadcast", "{\"room\":\"chat\",\"patch\":{\"topic\":\"gg\"}}");

        JsonNode ack = node.request(alice, SEND, "{\"room\":\"chat\",\"text\":\"hi all\",\"data\":{\"emote\":1}}");

        assertThat(ack.path("room").asText()).isEqualTo("chat");
        assertThat(ack.path("seq").asLong()).isEqualTo(2);
        assertThat(ack.has("delivered")).isFalse();
        String messageId = ack.path("messageId").asText();
        await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 1);
        JsonNode event = bob.events(SEND).getFirst();
        assertThat(event.path("id").asText()).isEqualTo(messageId);
        assertThat(event.path("userId").asText()).isEqualTo("alice");
        assertThat(event.path("room").asText()).isEqualTo("chat");
        assertThat(event.path("seq").asLong()).isEqualTo(2);
        assertThat(event.path("payload")).isEqualTo(json("{\"messageId\":\"" + messageId
                + "\",\"from\":\"alice\",\"room\":\"chat\",\"text\":\"hi all\",\"data\":{\"emote\":1}}"));
        assertThat(bob.seqs("chat")).containsExactly(1L, 2L);
        var snapshot = node.rooms().snapshot(Namespace.PRIVATE, "chat").join();
        assertThat(snapshot.seq()).isEqualTo(2);
        assertThat(snapshot.state()).isEqualTo(json("{\"topic\":\"gg\"}"));
    }

    @Test
    void theInboxIsReadOnConnectOnlyWhenTheSessionRecordsTransactionSawAMessage() {
        ServiceNode node = node();
        List<String> inboxReads = new CopyOnWriteArrayList<>();
        node.onInboxWaiting((c, waiting) -> waiting.thenAccept(read -> {
            if (read) {
                inboxReads.add(c.userId());
            }
        }));
        RecordingConnection alice = node.player("alice");
        node.player("carol");
        assertThat(inboxReads).as("nobody had anything waiting").isEmpty();

        node.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"one\"}");
        node.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"two\"}");
        RecordingConnection bob = node.player("bob");
        RecordingConnection carol = node.player("carol");

        assertThat(inboxReads).containsExactly("bob");
        await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 2);
        assertThat(bob.events(SEND)).extracting(e -> e.path("payload").path("text").asText())
                .containsExactly("one", "two");
        assertThat(carol.events(SEND)).isEmpty();
    }

    @Test
    void aRoomMessageNeedsASubscription() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");

        GameException error = node.refused(alice, SEND, "{\"room\":\"chat\",\"text\":\"hi\"}");

        assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(error.getMessage()).contains("subscribe");
    }

    @Test
    void malformedMessagesAreInvalidPayloads() {
        ServiceNode node = node(config(Map.of("GAMESTATE_MESSAGING_MAX_TEXT_LENGTH", "10")), "node-a");
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"chat\"}");

        for (String payload : List.of(
                "{\"room\":\"chat\",\"to\":\"bob\",\"text\":\"both\"}",
                "{\"text\":\"neither\"}",
                "{\"room\":\"chat\",\"text\":\"\"}",
                "{\"room\":\"chat\"}",
                "{\"room\":\"chat\",\"text\":\"eleven char\"}",
                "{\"room\":\"chat\",\"text\":\"hi\",\"data\":[1]}",
                "{\"room\":\"chat\",\"text\":\"hi\",\"data\":\"text\"}",
                "{\"room\":\"bad room\",\"text\":\"hi\"}",
                "{\"to\":\"\",\"text\":\"hi\"}",
                "{\"to\":\"" + "u".repeat(129) + "\",\"text\":\"hi\"}")) {
            assertThat(node.refused(alice, SEND, payload).code()).as(payload).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        }
        // Ten characters outside the BMP are twenty UTF-16 units, and still ten characters.
        String tenEmoji = "\uD83D\uDE00".repeat(10);
        assertThat(node.request(alice, SEND, "{\"room\":\"chat\",\"text\":\"" + tenEmoji + "\"}").path("seq").asLong())
                .isEqualTo(1);
    }

    @Test
    void aDirectMessageReachesTheRecipientLiveOnAnotherNode() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        RecordingConnection bobOnB = b.player("bob");
        RecordingConnection bobOnA = a.player("bob");

        JsonNode ack = a.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"psst\",\"data\":{\"k\":\"v\"}}");

        assertThat(ack.path("delivered").asText()).isEqualTo("live");
        assertThat(ack.has("room")).isFalse();
        String messageId = ack.path("messageId").asText();
        for (RecordingConnection bob : List.of(bobOnB, bobOnA)) {
            await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 1);
            JsonNode event = bob.events(SEND).getFirst();
            assertThat(event.path("id").asText()).isEqualTo(messageId);
            assertThat(event.path("userId").asText()).isEqualTo("alice");
            assertThat(event.has("room")).isFalse();
            assertThat(event.has("seq")).isFalse();
            assertThat(event.path("payload")).isEqualTo(json("{\"messageId\":\"" + messageId
                    + "\",\"from\":\"alice\",\"to\":\"bob\",\"text\":\"psst\",\"data\":{\"k\":\"v\"}}"));
        }
        assertThat(alice.events()).isEmpty();
    }

    @Test
    void guestsMayNotSendDirectMessagesByDefault() {
        ServiceNode node = node();
        RecordingConnection guest = node.guest("guest-1");
        node.guest("guest-2");

        assertThat(node.refused(guest, SEND, "{\"to\":\"guest-2\",\"text\":\"hi\"}").code())
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void aDirectMessageToAnAbsentUserWaitsInTheInboxAndIsDeliveredOnceOnTheNextConnection() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            JsonNode ack = a.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"m" + i + "\"}");
            assertThat(ack.path("delivered").asText()).isEqualTo("queued");
            ids.add(ack.path("messageId").asText());
        }
        String inbox = a.etcd().keys().inbox(Namespace.PRIVATE, "bob");
        assertThat(a.count(inbox)).isEqualTo(3);

        RecordingConnection bob = b.player("bob");

        await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 3);
        assertThat(bob.events(SEND).stream().map(e -> e.path("payload").path("text").asText()))
                .containsExactly("m1", "m2", "m3");
        assertThat(bob.events(SEND).stream().map(e -> e.path("id").asText())).containsExactlyElementsOf(ids);
        assertThat(a.count(inbox)).isZero();
        RecordingConnection bobAgain = a.player("bob");
        a.request(bobAgain, "subscribe", "{\"room\":\"sync-point\"}");
        assertThat(bobAgain.events()).isEmpty();
        assertThat(bob.events(SEND)).hasSize(3);
    }

    @Test
    void twoConnectionsOpeningAtOnceShareTheInboxWithoutDuplicates() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        for (int i = 1; i <= 40; i++) {
            a.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"m" + i + "\"}");
        }

        CompletableFuture<RecordingConnection> onA = CompletableFuture.supplyAsync(() -> a.player("bob"));
        CompletableFuture<RecordingConnection> onB = CompletableFuture.supplyAsync(() -> b.player("bob"));
        RecordingConnection bob1 = onA.join();
        RecordingConnection bob2 = onB.join();

        String inbox = a.etcd().keys().inbox(Namespace.PRIVATE, "bob");
        await().atMost(PATIENCE).until(() -> a.count(inbox) == 0
                && bob1.events(SEND).size() + bob2.events(SEND).size() == 40);
        List<String> texts = new ArrayList<>();
        bob1.events(SEND).forEach(e -> texts.add(e.path("payload").path("text").asText()));
        bob2.events(SEND).forEach(e -> texts.add(e.path("payload").path("text").asText()));
        assertThat(texts).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void aMessageQueuedJustAsTheUserConnectedIsDeliveredByTheWatch() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        // Bob's socket is open on node B and his watches started (as the node does before it records
        // him), but he is not yet in the session directory: the sender sees no session.
        RecordingConnection bob = new RecordingConnection("b-early", Principal.player("bob"));
        b.outbox().add(bob);
        b.users().open(Namespace.PRIVATE, "bob", bob.sessionId()).join();

        JsonNode ack = a.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"just in time\"}");

        assertThat(ack.path("delivered").asText()).isEqualTo("queued");
        await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 1);
        assertThat(a.count(a.etcd().keys().inbox(Namespace.PRIVATE, "bob"))).isZero();
    }

    @Test
    void aFullInboxRefusesMoreMessages() {
        ServiceNode node = node(config(Map.of("GAMESTATE_MESSAGING_INBOX_MAX_MESSAGES", "2")), "node-a");
        RecordingConnection alice = node.player("alice");
        node.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"1\"}");
        node.request(alice, SEND, "{\"to\":\"bob\",\"text\":\"2\"}");

        assertThat(node.refused(alice, SEND, "{\"to\":\"bob\",\"text\":\"3\"}").code())
                .isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(node.request(alice, SEND, "{\"to\":\"carol\",\"text\":\"1\"}").path("delivered").asText())
                .isEqualTo("queued");
    }

    @Test
    void aUserNotificationReachesEverySessionButTheSkippedOne() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection buyer = a.player("alice");
        RecordingConnection phone = b.player("alice");
        RecordingConnection tablet = a.player("alice");
        byte[] frame = "{\"type\":\"core.game.state.buy_good\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);

        a.notifications().push(Namespace.PRIVATE, "alice", Optional.of(buyer.sessionId()), frame).join();

        await().atMost(PATIENCE).until(() -> phone.events().size() == 1 && tablet.events().size() == 1);
        assertThat(phone.events().getFirst().path("type").asText()).isEqualTo("core.game.state.buy_good");
        a.notifications().push(Namespace.PRIVATE, "alice", Optional.empty(), frame).join();
        await().atMost(PATIENCE).until(() -> buyer.events().size() == 1 && phone.events().size() == 2);
    }

    @Test
    void theAdminSendsAsSystemWithoutASubscription() {
        ServiceNode node = node();
        RecordingConnection bob = node.player("bob");
        node.request(bob, "subscribe", "{\"room\":\"news\"}");
        MessagingService service = messaging.get(node);

        SendResult inRoom = service.send(Namespace.PRIVATE, new SendMessagePayload(Optional.empty(),
                Optional.of("news"), "patch 1.2", Optional.empty()), RoomService.SYSTEM).join();
        SendResult direct = service.send(Namespace.PRIVATE, new SendMessagePayload(Optional.of("bob"),
                Optional.empty(), "welcome", Optional.of(json("{\"gift\":true}"))), RoomService.SYSTEM).join();
        var invalid = service.send(Namespace.PRIVATE, new SendMessagePayload(Optional.of("bob"),
                Optional.of("news"), "both", Optional.empty()), RoomService.SYSTEM);

        assertThat(inRoom).isInstanceOfSatisfying(SendResult.InRoom.class, r -> assertThat(r.seq()).isEqualTo(1));
        assertThat(direct).isEqualTo(new SendResult.Direct(direct.messageId(), Delivery.LIVE));
        await().atMost(PATIENCE).until(() -> bob.events(SEND).size() == 2);
        assertThat(bob.events(SEND)).allSatisfy(e -> assertThat(e.path("userId").asText()).isEqualTo("system"));
        assertThat(GameException.from(invalid.handle((v, e) -> e).join()).code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
