package dev.gamestate.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for upgrades: at most {@code server.maxPendingHandshakes} handshakes may be
 * unfinished at once, from the moment the connection was accepted (a client still sending its
 * request counts: {@link RequestDeadline}) until the session is settled (its record committed in etcd
 * and the services told), the request turned out to be plain HTTP, or the channel closed.
 *
 * <p>Past the bound an upgrade first waits, in arrival order, for a handshake to settle, up to
 * {@link #begin(Channel, Duration, Runnable, Runnable) a wait} (and at most {@code max} of them wait);
 * only then is it refused with 503, before it happens. A client holds its handshake open meanwhile,
 * so a connection storm slows to what etcd settles (a client that limits its handshakes in flight
 * waits instead of being refused) and queues in the clients rather than in etcd's request queue.
 */
final class PendingHandshakes {

    /** Set on a channel while its handshake counts as pending; removed by whichever end comes first. */
    private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("gamestate.pendingHandshake");

    private final int max;
    private final AtomicInteger pending = new AtomicInteger();
    private final Queue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiters = new AtomicInteger();

    PendingHandshakes(int max) {
        this.max = max;
    }

    /**
     * Counts {@code channel}'s handshake as pending, until {@link #finish} or the channel closes. False,
     * and nothing counted, when {@code max} are pending already.
     */
    boolean begin(Channel channel) {
        if (!tryAcquire()) {
            return false;
        }
        track(channel);
        return true;
    }

    /**
     * Counts {@code channel}'s handshake as pending and runs {@code admitted}, at once (also when it
     * counts already, since it connected) or, when
     * {@code max} are pending, once one settles within {@code wait}. Otherwise runs {@code refused}:
     * when {@code wait} passed, when {@code max} upgrades wait already, or when the channel closed
     * while it waited. Exactly one of them runs, on the channel's event loop. Called on that loop.
     */
    void begin(Channel channel, Duration wait, Runnable admitted, Runnable refused) {
        if (holds(channel) || waiting.isEmpty() && begin(channel)) {
            admitted.run();
            return;
        }
        if (waiters.incrementAndGet() > max) {
            waiters.decrementAndGet();
            refused.run();
            return;
        }
        Waiter waiter = new Waiter(channel, admitted, refused);
        waiting.add(waiter);
        waiter.timeout = channel.eventLoop().schedule(waiter::giveUp, wait.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(waiter);
        admitWaiting(); // a handshake may have settled before this one queued
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

    /** True while {@code channel} counts as pending. */
    boolean holds(Channel channel) {
        return channel.hasAttr(PENDING) && channel.attr(PENDING).get() != null;
    }

    /** Handshakes pending now. */
    int pending() {
        return pending.get();
    }

    /** Upgrades waiting for a handshake to settle now. */
    int waiting() {
        return waiters.get();
    }

    /** The bound, {@code server.maxPendingHandshakes}. */
    int max() {
        return max;
    }

    private boolean tryAcquire() {
        if (pending.incrementAndGet() > max) {
            pending.decrementAndGet();
            return false;
        }
        return true;
    }

    private void track(Channel channel) {
        Pending open = new Pending();
        channel.attr(PENDING).set(open);
        channel.closeFuture().addListener(open);
    }

    /** Hands free slots to waiting upgrades, oldest first; skips those that timed out or closed. */
    private void admitWaiting() {
        while (!waiting.isEmpty() && tryAcquire()) {
            Waiter next;
            do {
                next = waiting.poll();
            } while (next != null && !next.claim());
            if (next == null) {
                pending.decrementAndGet();
                return;
            }
            Waiter admitted = next;
            admitted.channel.eventLoop().execute(admitted::admit);
        }
    }

    /**
     * An upgrade waiting for a slot; claimed once, by a slot, its timeout or its channel's close.
     * Nothing of it stays on the channel once admitted.
     */
    private final class Waiter extends AtomicBoolean implements ChannelFutureListener {

        private static final long serialVersionUID = 1L;

        private final transient Channel channel;
        private final transient Runnable admitted;
        private final transient Runnable refused;
        private transient volatile Future<?> timeout;

        Waiter(Channel channel, Runnable admitted, Runnable refused) {
            this.channel = channel;
            this.admitted = admitted;
            this.refused = refused;
        }

        boolean claim() {
            if (compareAndSet(false, true)) {
                waiters.decrementAndGet();
                return true;
            }
            return false;
        }

        /** Closed while waiting. */
        @Override
        public void operationComplete(ChannelFuture future) {
            giveUp();
        }

        /** Waited long enough, or closed: refused, and out of the queue (it holds at most {@code max}). */
        void giveUp() {
            if (claim()) {
                waiting.remove(this);
                Future<?> t = timeout;
                if (t != null) {
                    t.cancel(false); // closed before its wait ran out: the timer must not hold the channel
                }
                refused.run();
            }
        }

        /** Given a slot; on the channel's loop. */
        void admit() {
            channel.closeFuture().removeListener(this);
            Future<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            if (channel.isActive()) {
                track(channel);
                admitted.run();
            } else {
                pending.decrementAndGet();
                refused.run();
                admitWaiting();
            }
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
                admitWaiting();
            }
        }
    }
}
