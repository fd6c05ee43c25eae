package dev.gamestate.messaging;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.Keys;
import dev.gamestate.state.LeaseBuckets;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Direct messages waiting for a user with no live session: {@code stream/inbox/<ns>/<user>/<messageId>}
 * holds the encoded frame, under a shared lease that expires it after {@code messaging.inboxTtl}.
 * Message ids sort by time, so key order is delivery order. A message is delivered by whoever deletes
 * it first ({@link #claim}), so two nodes or two sessions never both push it.
 */
final class Inbox {

    /** Messages read per page: frames may be large, responses must stay small. */
    static final int PAGE = 32;

    /** A waiting message: its full key and its frame. */
    record Waiting(String key, byte[] frame) {
    }

    private final Etcd etcd;
    private final GameConfig.Messaging config;
    private final LeaseBuckets leases;

    Inbox(Etcd etcd, GameConfig.Messaging config, Clock clock) {
        this.etcd = etcd;
        this.config = config;
        this.leases = new LeaseBuckets(etcd, config.inboxTtl(), clock);
    }

    /**
     * Keeps {@code frame} for {@code userId}. The bound is checked with a count before the put, so
     * senders racing on the last free place may pass it by a few.
     *
     * @throws GameException {@code limit_exceeded} when the inbox is full
     */
    CompletableFuture<Void> keep(Namespace ns, String userId, String messageId, byte[] frame) {
        GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        return etcd.call(() -> etcd.kv().get(Keys.bytes(etcd.keys().inbox(ns, userId)), countOnly))
                .thenCompose(r -> {
                    if (r.getCount() >= config.inboxMaxMessages()) {
                        throw new GameException(ErrorCode.LIMIT_EXCEEDED,
                                "the inbox of " + userId + " is full (" + config.inboxMaxMessages() + " messages)");
                    }
                    return put(Keys.bytes(etcd.keys().inboxMessage(ns, userId, messageId)), frame, true);
                });
    }

    private CompletableFuture<Void> put(ByteSequence key, byte[] frame, boolean retryOnLostLease) {
        return leases.putOption().thenCompose(option -> etcd.call(() -> etcd.kv().put(key, Keys.bytes(frame), option)
                        .handle((r, error) -> error == null ? Boolean.TRUE
                                : LeaseBuckets.isLeaseGone(error) ? Boolean.FALSE : rethrow(error)))
                .thenCompose(stored -> {
                    if (stored) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    leases.forget(option.getLeaseId());
                    if (!retryOnLostLease) {
                        throw new GameException(ErrorCode.UNAVAILABLE, "the inbox lease was lost", 200);
                    }
                    return put(key, frame, false);
                }));
    }

    /** Up to {@link #PAGE} waiting messages of a user, oldest first, with keys after {@code after}. */
    CompletableFuture<List<Waiting>> page(Namespace ns, String userId, String after) {
        String prefix = etcd.keys().inbox(ns, userId);
        String start = after.isEmpty() ? prefix : after + "\0";
        GetOption range = GetOption.builder()
                .withRange(Keys.bytes(prefixEnd(prefix)))
                .withLimit(PAGE)
                .build();
        return etcd.call(() -> etcd.kv().get(Keys.bytes(start), range)).thenApply(r -> r.getKvs().stream()
                .map(kv -> new Waiting(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes()))
                .toList());
    }

    /** Takes the message at {@code key} out of the inbox; true only for the one caller that did. */
    CompletableFuture<Boolean> claim(String key) {
        ByteSequence k = Keys.bytes(key);
        return etcd.call(() -> etcd.kv().txn()
                        .If(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0)))
                        .Then(Op.delete(k, DeleteOption.DEFAULT))
                        .commit())
                .thenApply(r -> r.isSucceeded());
    }

    /** The first key after every key that starts with {@code prefix}, which ends in '/'. */
    private static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
    }

    private static <T> T rethrow(Throwable error) {
        throw Etcd.unavailable(error);
    }
}
