package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator endpoints: liveness, readiness (etcd up or down) and Prometheus metrics. */
class OpsEndpointsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Pattern FRAMES_IN = Pattern.compile("(?m)^gamestate_frames_in_total(\\{[^}]*})? (\\S+)$");

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
    void healthzAnswers200WithAJsonStatus() {
        HttpProbe.Answer answer = HttpProbe.get(node.http("/healthz"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void readyzAnswers200WhileEtcdAnswers() {
        HttpProbe.Answer answer = HttpProbe.get(node.http("/readyz"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
    }

    @Test
    void metricsAnswerPrometheusTextWithSessionAndFrameCounters() {
        double before = framesIn(HttpProbe.get(node.http("/metrics")).body());
        try (WsClient player = node.player("metered")) {
            player.ack("ping", "{}");
            player.ack("ping", "{}");

            HttpProbe.Answer answer = HttpProbe.get(node.http("/metrics"));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("text/plain");
            assertThat(answer.body()).contains("gamestate_sessions").contains("gamestate_frames_in_total");
            assertThat(framesIn(answer.body())).isGreaterThanOrEqualTo(before + 2);
        }
    }

    @Test
    void readyzAnswers503OnceEtcdIsDownWhileHealthzStays200() {
        try (EtcdProcess etcd = EtcdProcess.startSingle()) {
            Map<String, String> env = TestNode.baseEnv(etcd.endpoint());
            env.put("GAMESTATE_ETCD_REQUEST_TIMEOUT", "1s");
            env.put("GAMESTATE_SERVER_SHUTDOWN_TIMEOUT", "2s");
            try (TestNode lonely = TestNode.start(env)) {
                assertThat(HttpProbe.get(lonely.http("/readyz")).status()).isEqualTo(200);

                etcd.kill();

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    HttpProbe.Answer answer = HttpProbe.get(lonely.http("/readyz"));
                    assertThat(answer.status()).isEqualTo(503);
                    assertThat(answer.json().path("error").path("code").asText()).isEqualTo("unavailable");
                });
                assertThat(HttpProbe.get(lonely.http("/healthz")).status()).isEqualTo(200);
            }
        }
    }

    private static double framesIn(String scrape) {
        Matcher m = FRAMES_IN.matcher(scrape);
        assertThat(m.find()).as("gamestate_frames_in_total in\n%s", scrape).isTrue();
        return Double.parseDouble(m.group(2));
    }
}
