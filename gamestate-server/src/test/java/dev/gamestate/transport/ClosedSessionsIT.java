package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A closed session leaves nothing behind: no timer of its keeps it reachable, none counts a close late. */
class ClosedSessionsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PRIVATE = "/core/game/v1/real-time/private";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern WS_CONNECTIONS =
            Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+dev\\.gamestate\\.transport\\.WsConnection\\s*$");

    static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(ETCD.endpointsCsv());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void twoThousandSessionsWithHourLongTokensLeaveNoConnectionObjectBehindOnceClosed() throws JMException {
        long before = liveConnections();
        String token = node.token("cycler", Duration.ofHours(1)); // an expiry timer an hour away on each

        for (int i = 0; i < 2000; i++) {
            try (RawWebSocket raw = RawWebSocket.connect(node.port(), PRIVATE, Map.of("Authorization", "Bearer " + token))) {
                assertThat(raw.readFrame().text()).contains("\"welcome\"");
                if (i % 2 == 0) {
                    raw.sendFrame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}); // half close politely
                    raw.awaitCloseCode();
                }
            }
        }

        await().atMost(WAIT).until(() -> node.metric("gamestate_sessions", "node=") == 0);
        // Each count forces a full collection; a timer that outlived its socket would keep ~2,000.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(liveConnections()).as("WsConnection objects still reachable").isLessThanOrEqualTo(before + 20));
    }

    @Test
    void aTokenExpiringAfterItsSocketClosedCountsNo4001() {
        double expiredBefore = node.metric("gamestate_closes_total", "code=\"4001\"");
        String token = node.token("brief", Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            try (RawWebSocket raw = RawWebSocket.connect(node.port(), PRIVATE, Map.of("Authorization", "Bearer " + token))) {
                assertThat(raw.readFrame().text()).contains("\"welcome\"");
            }
        }

        // Past the tokens' expiry, and a while after it: nothing closed with 4001.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> node.metric("gamestate_closes_total", "code=\"4001\"") == expiredBefore);
    }

    /** Instances of WsConnection still reachable, after the full collection the histogram makes. */
    private static long liveConnections() throws JMException {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        Matcher m = WS_CONNECTIONS.matcher(histogram);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
