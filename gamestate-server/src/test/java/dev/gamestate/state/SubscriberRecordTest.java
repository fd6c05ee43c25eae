package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriberRecordTest {

    private final JsonValues json = new JsonValues(WireCodec.create().mapper());

    @Test
    void aListedRecordIsStoredWithItsSessionsAndItsMembersSortedAndReadBack() {
        SubscriberRecord listed = new SubscriberRecord.Listed(Map.of("bob", 1, "alice", 2));

        byte[] stored = SubscriberRecord.encode(listed, json);

        assertThat(text(stored)).isEqualTo("{\"sessions\":3,\"members\":{\"alice\":2,\"bob\":1}}");
        assertThat(SubscriberRecord.decode(stored, json)).isEqualTo(listed);
        assertThat(listed.sessions()).isEqualTo(3);
        assertThat(listed.users()).isEqualTo(2);
    }

    @Test
    void aCountedRecordKeepsItsSessionsAndUsers() {
        SubscriberRecord counted = new SubscriberRecord.Counted(5000, 4800);

        byte[] stored = SubscriberRecord.encode(counted, json);

        assertThat(text(stored)).isEqualTo("{\"sessions\":5000,\"users\":4800}");
        assertThat(SubscriberRecord.decode(stored, json)).isEqualTo(counted);
    }

    @Test
    void aBareCountAsWrittenForARoomWithoutPresenceOrByAnOlderNodeIsCountedSessions() {
        assertThat(text(SubscriberRecord.encodeCount(7))).isEqualTo("7");
        assertThat(SubscriberRecord.decode(utf8("7"), json)).isEqualTo(new SubscriberRecord.Counted(7, 7));
    }

    @Test
    void aValueThatCannotBeReadCountsAsOneUnlistedSessionAndBadMembersAreLeftOut() {
        assertThat(SubscriberRecord.decode(utf8("node-1f2e"), json)).isEqualTo(new SubscriberRecord.Counted(1, 1));
        assertThat(SubscriberRecord.decode(utf8("{\"other\":true}"), json))
                .isEqualTo(new SubscriberRecord.Counted(1, 1));
        assertThat(SubscriberRecord.decode(utf8("{\"sessions\":4,\"members\":{\"a\":1,\"b\":0,\"c\":\"2\",\"d\":1.5}}"),
                json)).isEqualTo(new SubscriberRecord.Listed(Map.of("a", 1)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
