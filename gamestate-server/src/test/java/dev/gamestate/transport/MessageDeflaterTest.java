package dev.gamestate.transport;

import static dev.gamestate.testing.PerMessageDeflate.inflate;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One message at a time, as permessage-deflate carries it: each inflates alone, whatever came before. */
class MessageDeflaterTest {

    private final MessageDeflater deflater = new MessageDeflater();

    @Test
    void aMessageInflatesBackOnItsOwnWithTheFlushTailPutBack() {
        byte[] first = "{\"type\":\"core.game.state.broadcast\",\"payload\":{\"say\":\"hello hello hello hello\"}}"
                .repeat(3).getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"type\":\"snapshot\",\"payload\":{\"state\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}}}"
                .repeat(4).getBytes(StandardCharsets.UTF_8);

        int firstLength = deflater.deflate(first);
        byte[] firstDeflated = Arrays.copyOf(deflater.output(), firstLength);
        int secondLength = deflater.deflate(second);

        assertThat(firstLength).isPositive().isLessThan(first.length);
        assertThat(inflate(firstDeflated)).isEqualTo(first);
        assertThat(inflate(Arrays.copyOf(deflater.output(), secondLength))).isEqualTo(second);
    }

    @Test
    void aMessageThatDoesNotShrinkIsLeftPlain() {
        byte[] noise = new byte[300];
        new Random(5).nextBytes(noise);
        assertThat(deflater.deflate(noise)).isEqualTo(-1);
    }

    @Test
    void aMessageBiggerThanTheBufferStillComesOutWhole() {
        byte[] noise = new byte[100_000];
        new Random(6).nextBytes(noise);
        byte[] text = ("[" + "\"" + Arrays.toString(noise) + "\"]").getBytes(StandardCharsets.UTF_8);
        int length = deflater.deflate(text);
        assertThat(length).isGreaterThan(8192);
        assertThat(inflate(Arrays.copyOf(deflater.output(), length))).isEqualTo(text);
    }
}
