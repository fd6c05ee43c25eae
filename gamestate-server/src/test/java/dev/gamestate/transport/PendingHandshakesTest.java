package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Admission control: a bounded count of unsettled handshakes, released once per channel; past it an
 * upgrade waits for a slot, for a while.
 */
class PendingHandshakesTest {

    @Test
    void pastTheBoundAHandshakeIsRefusedUntilOneSettles() {
        PendingHandshakes handshakes = new PendingHandshakes(2);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();

        assertThat(handshakes.begin(a)).isTrue();
        assertThat(handshakes.begin(b)).isTrue();
        assertThat(handshakes.begin(c)).isFalse();
        assertThat(handshakes.pending()).isEqualTo(2);

        handshakes.finish(a);
        assertThat(handshakes.pending()).isEqualTo(1);
        assertThat(handshakes.begin(c)).isTrue();
    }

    @Test
    void aChannelThatClosesBeforeItsSessionSettledNoLongerCountsAndSettlingLaterCountsNothing() {
        PendingHandshakes handshakes = new PendingHandshakes(5);
        EmbeddedChannel a = new EmbeddedChannel();
        handshakes.begin(a);

        a.close();
        assertThat(handshakes.pending()).isZero();
        handshakes.finish(a);
        handshakes.finish(a);
        assertThat(handshakes.pending()).isZero();
    }

    @Test
    void aChannelCountedSinceItConnectedIsAdmittedAtOnceWithoutCountingTwice() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel connected = new EmbeddedChannel();
        assertThat(handshakes.begin(connected)).isTrue();
        List<String> outcome = new ArrayList<>();

        handshakes.begin(connected, Duration.ofSeconds(3), () -> outcome.add("admitted"), () -> outcome.add("refused"));

        assertThat(outcome).containsExactly("admitted");
        assertThat(handshakes.pending()).isEqualTo(1);
        handshakes.finish(connected);
        assertThat(handshakes.pending()).isZero();
    }

    @Test
    void aChannelThatWasNeverCountedIsNotUncounted() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel counted = new EmbeddedChannel();
        handshakes.begin(counted);
        handshakes.finish(new EmbeddedChannel());
        assertThat(handshakes.pending()).isEqualTo(1);
    }

    @Test
    void pastTheBoundAnUpgradeWaitsAndIsAdmittedOnceAHandshakeSettles() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        List<String> outcome = new ArrayList<>();
        handshakes.begin(a, Duration.ofSeconds(3), () -> outcome.add("a admitted"), () -> outcome.add("a refused"));
        handshakes.begin(b, Duration.ofSeconds(3), () -> outcome.add("b admitted"), () -> outcome.add("b refused"));
        assertThat(outcome).containsExactly("a admitted");
        assertThat(handshakes.waiting()).isEqualTo(1);

        handshakes.finish(a);
        b.runPendingTasks();
        assertThat(outcome).containsExactly("a admitted", "b admitted");
        assertThat(handshakes.pending()).isEqualTo(1);
        assertThat(handshakes.waiting()).isZero();
        b.advanceTimeBy(5, TimeUnit.SECONDS);
        b.runScheduledPendingTasks();
        assertThat(outcome).as("the wait's timer was cancelled").hasSize(2);
    }

    @Test
    void anUpgradeThatWaitedTooLongIsRefusedAndCountsNothing() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        List<String> outcome = new ArrayList<>();
        handshakes.begin(a);
        handshakes.begin(b, Duration.ofSeconds(3), () -> outcome.add("admitted"), () -> outcome.add("refused"));

        b.advanceTimeBy(3, TimeUnit.SECONDS);
        b.runScheduledPendingTasks();
        assertThat(outcome).containsExactly("refused");
        handshakes.finish(a);
        b.runPendingTasks();
        assertThat(outcome).containsExactly("refused");
        assertThat(handshakes.pending()).isZero();
        assertThat(handshakes.waiting()).isZero();
    }

    @Test
    void anUpgradeWhoseChannelClosesWhileItWaitsIsDroppedAndCountsNothing() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        List<String> outcome = new ArrayList<>();
        handshakes.begin(a);
        handshakes.begin(b, Duration.ofSeconds(3), () -> outcome.add("admitted"), () -> outcome.add("refused"));

        b.close();
        handshakes.finish(a);
        b.runPendingTasks();
        assertThat(outcome).containsExactly("refused");
        assertThat(handshakes.pending()).isZero();
    }

    @Test
    void noMoreUpgradesWaitThanTheBound() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        handshakes.begin(new EmbeddedChannel());
        List<String> outcome = new ArrayList<>();
        handshakes.begin(new EmbeddedChannel(), Duration.ofSeconds(3), () -> outcome.add("1 admitted"),
                () -> outcome.add("1 refused"));
        handshakes.begin(new EmbeddedChannel(), Duration.ofSeconds(3), () -> outcome.add("2 admitted"),
                () -> outcome.add("2 refused"));
        assertThat(outcome).containsExactly("2 refused");
        assertThat(handshakes.waiting()).isEqualTo(1);
    }
}
