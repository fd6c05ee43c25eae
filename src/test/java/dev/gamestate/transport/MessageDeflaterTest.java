package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** One message at a time, as permessage-deflate carries it: each inflates alone, whatever came before. */
class MessageDeflaterTest {

    private final MessageDeflater deflater = new MessageDeflater();

    @Test
    void aMessageInflatesBackOnItsOwnWithTheFlushTailPutBack() throws Exception {
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
    void aMessageBiggerThanTheBufferStillComesOutWhole() throws Exception {
        byte[] noise = new byte[100_000];
        new Random(6).nextBytes(noise);
        byte[] text = ("[" + "\"" + Arrays.toString(noise) + "\"]").getBytes(StandardCharsets.UTF_8);
        int length = deflater.deflate(text);
        assertThat(length).isGreaterThan(8192);
        assertThat(inflate(Arrays.copyOf(deflater.output(), length))).isEqualTo(text);
    }

    private static byte[] inflate(byte[] deflated) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            byte[] input = Arrays.copyOf(deflated, deflated.length + 4);
            input[input.length - 2] = (byte) 0xFF;
            input[input.length - 1] = (byte) 0xFF;
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
