package dev.gamestate.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for upgrades: at most {@code server.maxPendingHandshakes} handshakes may be
 * unfinished at once, from the upgrade the gate accepted until the session is settled (its record
 * committed in etcd and the services told) or the channel closed. Past the bound an upgrade is
 * refused with 503 before it happens, so a connection storm queues in the clients' back-off instead
 * of in etcd's request queue.
 */
final class PendingHandshakes {

    /** Set on a channel while its handshake counts as pending; cleared by whichever end comes first. */
    private static final AttributeKey<AtomicBoolean> PENDING = AttributeKey.valueOf("gamestate.pendingHandshake");

    private final int max;
    private final AtomicInteger pending = new AtomicInteger();

    PendingHandshakes(int max) {
        this.max = max;
    }

    /**
     * Counts {@code channel}'s handshake as pending, until {@link #finish} or the channel closes. False,
     * and nothing counted, when {@code max} are pending already.
     */
    boolean begin(Channel channel) {
        if (pending.incrementAndGet() > max) {
            pending.decrementAndGet();
            return false;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        channel.attr(PENDING).set(open);
        channel.closeFuture().addListener(f -> end(open));
        return true;
    }

    /** {@code channel}'s session is settled; its handshake no longer counts. Idempotent. */
    void finish(Channel channel) {
        AtomicBoolean open = channel.attr(PENDING).get();
        if (open != null) {
            end(open);
        }
    }

    private void end(AtomicBoolean open) {
        if (open.compareAndSet(true, false)) {
            pending.decrementAndGet();
        }
    }

    /** Handshakes pending now. */
    int pending() {
        return pending.get();
    }

    /** The bound, {@code server.maxPendingHandshakes}. */
    int max() {
        return max;
    }
}
