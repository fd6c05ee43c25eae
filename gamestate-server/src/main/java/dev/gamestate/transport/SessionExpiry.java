package dev.gamestate.transport;

import dev.gamestate.core.CloseCode;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * When a player session's token runs out: it closes the session with 4001 at the expiry, and pushes
 * {@code token_expiring} {@code notice} before it, once per expiry, so that the client can send
 * {@code refresh} with a new token. A refresh {@link #arm}s both timers again for the new expiry
 * (the old ones are cancelled); the channel's close {@link #end}s them. So a session holds at most
 * two timers, and none once it is gone ({@code gamestate_session_timers} counts them).
 *
 * <p>Confined to the channel's event loop: timers are scheduled there and fire there, and every
 * call comes from there.
 */
final class SessionExpiry {

    private static final AttributeKey<SessionExpiry> KEY = AttributeKey.valueOf("gamestate.sessionExpiry");

    private final WsConnection connection;
    private final Clock clock;
    private final Duration notice;
    private final Function<Instant, byte[]> noticeFrame;
    private final TransportMetrics metrics;
    private ScheduledFuture<?> closeTimer;
    private ScheduledFuture<?> noticeTimer;
    private Instant expiresAt;
    private Instant noticed; // the expiry the last token_expiring announced
    private boolean ended;

    private SessionExpiry(WsConnection connection, Clock clock, Duration notice, Function<Instant, byte[]> noticeFrame,
                          TransportMetrics metrics) {
        this.connection = connection;
        this.clock = clock;
        this.notice = notice;
        this.noticeFrame = noticeFrame;
        this.metrics = metrics;
    }

    /**
     * The expiry of {@code connection}, kept on its channel until the channel closes (which ends it).
     * On the channel's event loop.
     */
    static SessionExpiry attach(WsConnection connection, Clock clock, Duration notice,
                                Function<Instant, byte[]> noticeFrame, TransportMetrics metrics) {
        SessionExpiry expiry = new SessionExpiry(connection, clock, notice, noticeFrame, metrics);
        Channel channel = connection.channel();
        channel.attr(KEY).set(expiry);
        // The timers die with the socket: a closed session must not stay reachable until its expiry.
        channel.closeFuture().addListener(closed -> expiry.end());
        return expiry;
    }

    /** The expiry attached to {@code channel}, if any (player sessions have one, guests none). */
    static Optional<SessionExpiry> of(Channel channel) {
        return Optional.ofNullable(channel.attr(KEY).get());
    }

    /**
     * Makes {@code expiry} the session's: cancels the timers of the previous one, closes the session
     * with 4001 at it, and pushes {@code token_expiring} {@code notice} before it (at once when less
     * is left) unless that was already done for this very expiry. Empty: the session never expires.
     * Nothing once the channel closed.
     */
    void arm(Optional<Instant> expiry) {
        if (ended) {
            return;
        }
        cancelTimers();
        expiresAt = expiry.orElse(null);
        if (expiresAt == null) {
            return;
        }
        Instant at = expiresAt;
        long untilExpiry = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        if (!notice.isZero() && !at.equals(noticed)) {
            noticeTimer = schedule(() -> {
                noticeTimer = null;
                noticed = at;
                connection.send(noticeFrame.apply(at));
            }, Math.max(0, untilExpiry - notice.toMillis()));
        }
        closeTimer = schedule(() -> {
            closeTimer = null;
            connection.close(CloseCode.TOKEN_EXPIRED);
        }, untilExpiry);
    }

    /** When the session now expires; empty when it does not. */
    Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** The channel closed: cancels both timers for good. */
    void end() {
        ended = true;
        cancelTimers();
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        metrics.sessionTimerArmed();
        return connection.channel().eventLoop().schedule(() -> {
            metrics.sessionTimerDone();
            task.run();
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void cancelTimers() {
        cancel(closeTimer);
        cancel(noticeTimer);
        closeTimer = null;
        noticeTimer = null;
    }

    private void cancel(ScheduledFuture<?> timer) {
        // Counted down here only when the task will never run; one that ran counted itself down.
        if (timer != null && timer.cancel(false)) {
            metrics.sessionTimerDone();
        }
    }
}
