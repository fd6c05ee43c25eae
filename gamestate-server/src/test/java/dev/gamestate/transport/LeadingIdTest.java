package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The id of a refused frame is read from its first bytes only, and only when it is unambiguous. */
class LeadingIdTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"id\":\"r-17\",\"type\":\"ping\"}|r-17",
            "{\"id\":\"x\"|x"})
    void anIdThatOpensTheEnvelopeIsRead(String frame, String id) {
        assertThat(LeadingId.of(buffer(frame))).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"type\":\"ping\",\"id\":\"r-1\"}", "{\"id\":7}", "{\"id\":\"\"}",
            "{\"id\":\"esc\\\"aped\"}", "{\"id\":\"caf\u00e9\"}", "{\"id\":\"unterminated", "[\"id\"]",
            "{\"identity\":\"r-1\"}", "{\"payload\":{\"id\":\"inner\"}}"})
    void anythingElseHasNoId(String frame) {
        assertThat(LeadingId.of(buffer(frame))).isEmpty();
    }

    @Test
    void whitespaceAroundTheTokensIsAllowed() {
        assertThat(LeadingId.of(buffer(" \r\n{ \"id\" :\t\"a b\" , \"type\":\"ping\"}"))).contains("a b");
    }

    @Test
    void anIdOfSixtyFiveCharactersIsNotAnIdAndTheScanStopsEarlyInAHugeFrame() {
        assertThat(LeadingId.of(buffer("{\"id\":\"" + "a".repeat(64) + "\"}"))).contains("a".repeat(64));
        assertThat(LeadingId.of(buffer("{\"id\":\"" + "a".repeat(65) + "\"}"))).isEmpty();
        ByteBuf huge = buffer("{\"id\":\"" + "b".repeat(60_000));
        assertThat(LeadingId.of(huge)).isEmpty();
        assertThat(huge.readerIndex()).isZero();
    }

    private static ByteBuf buffer(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
