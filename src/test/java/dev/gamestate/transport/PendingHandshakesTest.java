package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Admission control: a bounded count of unsettled handshakes, released once per channel. */
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
    void aChannelThatWasNeverCountedIsNotUncounted() {
        PendingHandshakes handshakes = new PendingHandshakes(1);
        EmbeddedChannel counted = new EmbeddedChannel();
        handshakes.begin(counted);
        handshakes.finish(new EmbeddedChannel());
        assertThat(handshakes.pending()).isEqualTo(1);
    }
}
