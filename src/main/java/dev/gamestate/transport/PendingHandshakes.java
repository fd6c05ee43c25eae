package dev.gamestate.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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

    /** Set on a channel while its handshake counts as pending; removed by whichever end comes first. */
    private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("gamestate.pendingHandshake");

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
        Pending open = new Pending();
        channel.attr(PENDING).set(open);
        channel.closeFuture().addListener(open);
        return true;
    }

    /**
     * {@code channel}'s session is settled; its handshake no longer counts. Idempotent. Nothing of the
     * handshake stays on a settled channel (no attribute, no close listener): an idle connection
     * holds only what it needs.
     */
    void finish(Channel channel) {
        Pending open = Attributes.take(channel, PENDING);
        if (open != null) {
            channel.closeFuture().removeListener(open);
            open.end();
        }
    }

    /** One pending handshake; counted down once, by {@link #finish} or by the channel's close. */
    private final class Pending extends AtomicBoolean implements ChannelFutureListener {

        private static final long serialVersionUID = 1L;

        Pending() {
            super(true);
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            end();
        }

        void end() {
            if (compareAndSet(true, false)) {
                pending.decrementAndGet();
            }
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
