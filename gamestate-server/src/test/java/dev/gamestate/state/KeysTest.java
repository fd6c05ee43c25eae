package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.core.Namespace;
import org.junit.jupiter.api.Test;

class KeysTest {

    private final Keys keys = new Keys("/p/");

    @Test
    void roomEventKeysPadTheSeqToTwentyDigitsSoKeyOrderIsSeqOrder() {
        assertThat(keys.roomEvent(Namespace.PRIVATE, "arena", 7)).isEqualTo("/p/stream/rooms/private/arena/00000000000000000007");
        assertThat(keys.roomEvent(Namespace.GUEST, "lobby", 1234567890123L))
                .isEqualTo("/p/stream/rooms/guest/lobby/00000001234567890123");
        assertThat(keys.roomEvent(Namespace.PRIVATE, "a", 9)).isLessThan(keys.roomEvent(Namespace.PRIVATE, "a", 10));
        assertThat(Keys.paddedSeq(Long.MAX_VALUE)).isEqualTo("09223372036854775807");
    }
}
