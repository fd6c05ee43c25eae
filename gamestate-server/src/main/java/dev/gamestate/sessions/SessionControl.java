package dev.gamestate.sessions;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import dev.gamestate.state.SessionDirectory;
import dev.gamestate.state.SessionDirectory.SessionRecord;
import dev.gamestate.state.StreamListener;
import dev.gamestate.state.UserNotifications;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions as operators see and end them, across the cluster: lists a user's live sessions on every
 * node, and closes sessions with 4003 on whatever node holds them.
 *
 * <p>A kick travels through the user's notification key ({@link UserNotifications#kick}), which the
 * nodes holding sessions of the user watch already (and no other node does), so kicking costs one
 * etcd write and no watch of its own. This class sits in front of the messaging service on the node's
 * user watches: it acts on kicks, and passes every other notification on.
 *
 * <p>A kick closes the sessions live when it arrives; it bans nobody: a kicked client may connect
 * again at once with a valid token.
 */
public final class SessionControl implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionControl.class);
    /** Anything else cannot name a session (and must not reach a key); such an id is simply not found. */
    private static final Pattern SESSION_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private final SessionDirectory directory;
    private final UserNotifications notifications;
    private final Outbox outbox;
    private final StreamListener next;

    /**
     * Session control over {@code directory}, kicking through {@code notifications}, closing this
     * node's sessions in {@code outbox}, passing other user notifications to {@code next}.
     */
    public SessionControl(SessionDirectory directory, UserNotifications notifications, Outbox outbox,
                          StreamListener next) {
        this.directory = directory;
        this.notifications = notifications;
        this.outbox = outbox;
        this.next = next;
    }

    /**
     * The live sessions of {@code userId} on every node, in both namespaces, oldest first (at most
     * {@link SessionDirectory#MAX_LISTED} per namespace).
     */
    public CompletableFuture<SessionList> sessionsOf(String userId) {
        try {
            Names.requireUserId("user", userId);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        return directory.sessionsOf(userId)
                .thenApply(records -> new SessionList(records.stream().map(SessionControl::view).toList()));
    }

    /**
     * Closes the live session {@code sessionId} with 4003 on whatever node holds it; {@code not_found}
     * when no node does. Completes once the order is in etcd; the node closes the session as its
     * watch brings the order (well within a second).
     */
    public CompletableFuture<Kicked> kick(String sessionId) {
        CompletableFuture<Optional<SessionDirectory.Owner>> owner = SESSION_ID.matcher(sessionId).matches()
                ? directory.ownerOf(sessionId)
                : CompletableFuture.completedFuture(Optional.empty());
        return owner.thenCompose(found -> {
            SessionDirectory.Owner o = found.orElseThrow(() ->
                    new GameException(ErrorCode.NOT_FOUND, "no live session " + sessionId));
            LOG.info("kicking session {} of {}/{}", sessionId, o.namespace().wire(), o.userId());
            return notifications.kick(o.namespace(), o.userId(), Optional.of(sessionId)).thenApply(v -> new Kicked(1));
        });
    }

    /**
     * Closes every live session of {@code userId}, in both namespaces, with 4003. Answers how many
     * sessions etcd listed when the order went out (0 when there were none: nothing is written then).
     */
    public CompletableFuture<Kicked> kickUser(String userId) {
        try {
            Names.requireUserId("userId", userId);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        return directory.sessionsOf(userId).thenCompose(sessions -> {
            Set<Namespace> namespaces = EnumSet.noneOf(Namespace.class);
            sessions.forEach(s -> namespaces.add(s.namespace()));
            // Only where the user has sessions: a notification key is permanent, and an id nobody
            // uses must not leave one behind.
            List<CompletableFuture<Void>> orders = new ArrayList<>();
            namespaces.forEach(ns -> orders.add(notifications.kick(ns, userId, Optional.empty())));
            if (!sessions.isEmpty()) {
                LOG.info("kicking {} sessions of {}", sessions.size(), userId);
            }
            return CompletableFuture.allOf(orders.toArray(CompletableFuture[]::new))
                    .thenApply(v -> new Kicked(sessions.size()));
        });
    }

    /** A kick closes this node's sessions it covers; any other notification goes on to the next listener. */
    @Override
    public void userNotification(Namespace ns, String userId, byte[] notification) {
        switch (UserNotifications.parse(notification)) {
            case UserNotifications.Kick kick -> {
                for (Connection connection : outbox.connectionsOf(ns, userId)) {
                    if (kick.covers(connection.sessionId())) {
                        LOG.info("closing {}: kicked", connection);
                        connection.close(CloseCode.KICKED);
                    }
                }
            }
            case UserNotifications.Notification _ -> next.userNotification(ns, userId, notification);
            case UserNotifications.UnknownOrder unknown ->
                    LOG.warn("ignoring a session order for {} that this version does not know ({}): a newer node sent"
                            + " it. Run one version on every node", userId, unknown.order());
        }
    }

    @Override
    public void inboxMessage(Namespace ns, String userId, String key, byte[] message) {
        next.inboxMessage(ns, userId, key, message);
    }

    private static SessionView view(SessionRecord r) {
        return new SessionView(r.sessionId(), r.userId(), r.namespace().wire(), r.node(), r.connectedAt(), r.rooms());
    }
}
