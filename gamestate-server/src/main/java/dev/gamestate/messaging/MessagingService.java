package dev.gamestate.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.EventIds;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import dev.gamestate.event.Reply;
import dev.gamestate.rooms.RoomService;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.InboxStore;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.StreamListener;
import dev.gamestate.state.UserNotifications;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat: room messages join the room's ordered stream (through {@link RoomService#append}); direct
 * messages go to every live session of the recipient on any node, or wait in the recipient's inbox
 * and are delivered right after the {@code welcome} of the next connection ({@link #deliverInbox}).
 *
 * <p>It also delivers user notifications (a push for every live session of one user, such as the
 * store's purchase events) from the node's watch to this node's connections.
 */
public final class MessagingService implements StreamListener, ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingService.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";

    private final GameConfig config;
    private final RoomService rooms;
    private final SessionDirectory sessions;
    private final UserNotifications notifications;
    private final Outbox outbox;
    private final EventEncoder encoder;
    private final Clock clock;
    private final EventIds ids;
    private final Inbox inbox;
    // Connections whose inbox is being drained: later inbox puts wait for it, to keep the order.
    private final Map<String, CompletableFuture<Void>> draining = new ConcurrentHashMap<>();

    /**
     * The messaging service of one node.
     *
     * @param config        the server configuration (messaging, namespace policies)
     * @param etcd          the etcd client
     * @param rooms         the rooms service, whose streams room messages join
     * @param sessions      where live sessions of any node are listed
     * @param notifications pushes to a user's sessions on every node
     * @param outbox        this node's connections
     * @param encoder       encodes pushed events
     * @param clock         stamps messages
     */
    public MessagingService(GameConfig config, Etcd etcd, RoomService rooms, SessionDirectory sessions,
                            UserNotifications notifications, Outbox outbox, EventEncoder encoder, Clock clock) {
        this.config = config;
        this.rooms = rooms;
        this.sessions = sessions;
        this.notifications = notifications;
        this.outbox = outbox;
        this.encoder = encoder;
        this.clock = clock;
        this.ids = new EventIds(clock);
        this.inbox = new Inbox(InboxStore.inEtcd(etcd, config.messaging().inboxTtl(), clock), config.messaging());
    }

    /** Binds {@code core.game.state.send_message}. */
    public void register(EventRegistry.Builder builder) {
        builder.register(MessageEvents.SEND_MESSAGE, this::send);
    }

    private CompletableFuture<Reply> send(Event<SendMessagePayload> event, Connection caller) {
        SendMessagePayload p = event.payload();
        requireTextLength(p.text());
        Namespace ns = caller.namespace();
        return switch (p.target()) {
            case MessageTarget.Room(String room) -> {
                if (!rooms.isSubscribed(caller, room)) {
                    throw new GameException(ErrorCode.FORBIDDEN, "subscribe to room " + room + " before messaging it");
                }
                rooms.policies().checkPublish(room); // a room message joins the stream a broadcast would
                yield toRoom(ns, room, p.text(), p.data(), p.requestId(), caller.userId()).thenApply(Reply::of);
            }
            case MessageTarget.User(String to) -> {
                if (!config.namespaces().of(ns).allowDirectMessages()) {
                    throw new GameException(ErrorCode.FORBIDDEN,
                            "direct messages are not allowed in the " + ns.wire() + " namespace");
                }
                yield toUser(ns, to, p.text(), p.data(), caller.userId()).thenApply(Reply::of);
            }
        };
    }

    /**
     * Sends {@code message} on behalf of {@code fromUserId} ({@link RoomService#SYSTEM} for the admin
     * API), with no subscription or namespace-policy check.
     */
    public CompletableFuture<SendResult> send(Namespace ns, SendMessagePayload message, String fromUserId) {
        MessageTarget target;
        try {
            message.validate();
            requireTextLength(message.text());
            target = message.target();
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        return switch (target) {
            case MessageTarget.Room(String room) -> toRoom(ns, room, message.text(), message.data(),
                    message.requestId(), fromUserId);
            case MessageTarget.User(String to) -> toUser(ns, to, message.text(), message.data(), fromUserId);
        };
    }

    private CompletableFuture<SendResult> toRoom(Namespace ns, String room, String text, Optional<JsonNode> data,
                                                 Optional<String> requestId, String from) {
        String messageId = ids.next();
        Instant now = clock.instant();
        MessageEvent body = new MessageEvent(messageId, from, Optional.empty(), Optional.of(room), text, data);
        LongFunction<OutboundEvent.InRoom<?>> eventAt = seq -> new OutboundEvent.InRoom<>(MessageEvents.MESSAGE,
                messageId, ns, from, now, room, seq, body);
        if (requestId.isPresent()) {
            return rooms.appendOnce(ns, room, from, requestId.get(), "message",
                            Optional.of(TextNode.valueOf(text)), data, messageId, eventAt)
                    .thenApply(appended -> new SendResult.InRoom(appended.eventId(), room, appended.seq(),
                            Optional.of(appended.replayed())));
        }
        return rooms.append(ns, room, Optional.empty(), eventAt)
                .thenApply(seq -> new SendResult.InRoom(messageId, room, seq));
    }

    private CompletableFuture<SendResult> toUser(Namespace ns, String to, String text, Optional<JsonNode> data,
                                                 String from) {
        String messageId = ids.next();
        MessageEvent body = new MessageEvent(messageId, from, Optional.of(to), Optional.empty(), text, data);
        byte[] frame = encoder.encode(new OutboundEvent.ToUser<>(MessageEvents.MESSAGE, messageId, ns, from,
                clock.instant(), body));
        return sessions.countOf(ns, to).thenCompose(live -> live > 0
                ? notifications.push(ns, to, Optional.empty(), frame)
                        .thenApply(v -> new SendResult.Direct(messageId, Delivery.LIVE))
                : inbox.keep(ns, to, messageId, frame)
                        .thenApply(v -> new SendResult.Direct(messageId, Delivery.QUEUED)));
    }

    private void requireTextLength(String text) {
        int max = config.messaging().maxTextLength();
        if (text.codePointCount(0, text.length()) > max) {
            throw GameException.invalid("text must be at most " + max + " characters");
        }
    }

    /**
     * Delivers the user's waiting messages to a connection that is opening, oldest first.
     * {@code inboxWaiting} completes once the session is recorded and the services told: true when the
     * transaction that recorded it saw a message waiting (or could not tell). Only then is the inbox
     * read, so a connection with an empty inbox costs no read; messages kept later arrive through the
     * watch, and wait for this to finish so that they come after the older ones.
     */
    public void deliverInbox(Connection connection, CompletableFuture<Boolean> inboxWaiting) {
        CompletableFuture<Void> drained = inboxWaiting.thenCompose(waiting -> waiting
                ? drain(connection, "")
                : CompletableFuture.<Void>completedFuture(null));
        draining.put(connection.sessionId(), drained);
        drained.whenComplete((v, error) -> {
            draining.remove(connection.sessionId(), drained);
            if (error != null) {
                LOG.warn("could not deliver the inbox of {} ({}); its messages stay in etcd for the user's next"
                        + " connection." + CHECK_ETCD, connection.userId(), error.getMessage());
            }
        });
    }

    private CompletableFuture<Void> drain(Connection connection, String after) {
        if (!connection.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        return inbox.page(connection.namespace(), connection.userId(), after).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            // Claim the page at once, push in key (= time) order what this connection won.
            List<CompletableFuture<Boolean>> claims = page.stream().map(m -> inbox.claim(m.key())).toList();
            return CompletableFuture.allOf(claims.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                for (int i = 0; i < page.size(); i++) {
                    if (claims.get(i).join()) {
                        connection.push(Push.ofUtf8(page.get(i).frame()));
                    }
                }
                return page.size() < Inbox.PAGE
                        ? CompletableFuture.completedFuture(null)
                        : drain(connection, page.getLast().key());
            });
        });
    }

    /** Forgets the connection's inbox drain. */
    @Override
    public void closed(Connection connection) {
        draining.remove(connection.sessionId());
    }

    /**
     * A message went to an inbox: when the user has connections on this node (it connected after the
     * sender looked), claim it and push it to them.
     */
    @Override
    public void inboxMessage(Namespace ns, String userId, String key, byte[] message) {
        List<Connection> connections = outbox.connectionsOf(ns, userId);
        if (connections.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> drains = new ArrayList<>();
        connections.forEach(c -> Optional.ofNullable(draining.get(c.sessionId())).ifPresent(drains::add));
        CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new))
                .handle((v, error) -> null)
                .thenCompose(v -> inbox.claim(key))
                .whenComplete((claimed, error) -> {
                    if (error != null) {
                        LOG.warn("could not claim inbox message {} ({}); it stays in the inbox for the user's next"
                                + " connection." + CHECK_ETCD, key, error.getMessage());
                    } else if (claimed) {
                        Push push = Push.ofUtf8(message);
                        outbox.connectionsOf(ns, userId).forEach(c -> c.push(push));
                    }
                });
    }

    /** Pushes a user notification to this node's connections of that user, but the one to skip. */
    @Override
    public void userNotification(Namespace ns, String userId, byte[] notification) {
        UserNotifications.Notification parsed = UserNotifications.Notification.parse(notification);
        List<Connection> connections = outbox.connectionsOf(ns, userId);
        if (connections.isEmpty()) {
            return;
        }
        Push push = Push.ofUtf8(parsed.frame());
        for (Connection c : connections) {
            if (parsed.skipSession().filter(c.sessionId()::equals).isEmpty()) {
                c.push(push);
            }
        }
    }
}
