package dev.gamestate.app;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard ({@code deploy/grafana/gamestate.json}) and the Prometheus alert rules
 * ({@code deploy/prometheus/alerts.yml}) ask only for series a real node exports: a node runs on a real
 * etcd, players subscribe, broadcast, buy and go over their rate limit, and its {@code /metrics} is
 * scraped. Every metric name either file names must be in that scrape.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DashboardMetricsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static final Path DASHBOARD = Repo.path("deploy/grafana/gamestate.json");
    static final Path ALERTS = Repo.path("deploy/prometheus/alerts.yml");
    // Our own series and the JVM's, process's and Netty's; PromQL functions and labels never start so.
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:gamestate|jvm|process|system|netty)_[a-zA-Z0-9_]+)\\b");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    private static TestNode node;
    private static String scrape;
    private static double guestsWhileOpen;
    private static double playersWhileOpen;

    @BeforeAll
    static void runTraffic() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "10");
        node = TestNode.start(env);
        try (WsClient ann = node.player("ann"); WsClient bob = node.player("bob"); WsClient guest = node.guest()) {
            ann.ack("subscribe", "{\"room\":\"dash\"}");
            bob.ack("subscribe", "{\"room\":\"dash\"}");
            for (int i = 0; i < 5; i++) {
                ann.ack("core.game.state.broadcast", "{\"room\":\"dash\",\"patch\":{\"hp\":" + i + "}}");
            }
            bob.ack("core.game.state.buy_good", "{\"goodId\":\"potion\",\"quantity\":1,\"requestId\":\"dash-1\"}");
            bob.ack("core.game.state.buy_good", "{\"goodId\":\"potion\",\"quantity\":1,\"requestId\":\"dash-1\"}");
            guest.ack("catalog", "{}");
            for (int i = 0; i < 5; i++) {
                bob.awaitType("core.game.state.broadcast");
            }
            guestsWhileOpen = node.metric("gamestate_namespace_sessions", "namespace=\"guest\"");
            playersWhileOpen = node.metric("gamestate_namespace_sessions", "namespace=\"private\"");
            // Past 10 frames a second: some are refused (too few to count as abuse).
            for (int i = 0; i < 20; i++) {
                guest.send("catalog", "{}");
            }
            guest.await(m -> m.path("error").path("code").asText().equals("rate_limited"), "a rate_limited error");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.metric("gamestate_sessions", "node=") == 0);
        // Micrometer registers jvm_gc_pause_seconds at the first collection after the node bound its
        // meters; in a warm test JVM a short-lived node may see none, a real node sees one in seconds.
        System.gc();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> HttpProbe.get(node.http("/metrics")).body().contains("jvm_gc_pause_seconds_sum"));
        scrape = HttpProbe.get(node.http("/metrics")).body();
        try {
            Files.writeString(Path.of("target/dashboard-metrics-scrape.txt"), scrape); // for whoever edits the files
        } catch (IOException e) {
            // only a convenience
        }
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static Set<String> exported() {
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> referenced(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            queries.add(variable.path("query").isTextual() ? variable.path("query").asText()
                    : variable.path("query").path("query").asText());
        }
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThan(15);

        Set<String> used = referenced(String.join("\n", queries));
        assertThat(used).contains("gamestate_etcd_request_seconds_bucket", "gamestate_watch_lag_seconds_bucket");
        assertThat(exported()).containsAll(used);
    }

    @Test
    void everyMetricTheAlertRulesQueryIsExported() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(ALERTS));
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("alert").asText()).as("every rule is an alert").isNotEmpty();
                assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText())
                        .isNotEmpty();
                exprs.add(rule.path("expr").asText());
            }
        }
        assertThat(exprs).as("the alert rules").hasSizeGreaterThan(8);

        Set<String> used = referenced(String.join("\n", exprs));
        assertThat(used).contains("gamestate_closes_total", "gamestate_lease_regrants_total");
        assertThat(exported()).containsAll(used);
    }

    @Test
    void theTrafficShowsInTheNewMetrics() {
        assertThat(node.metric("gamestate_etcd_request_seconds_count", "op=\"txn\",outcome=\"ok\"")).isPositive();
        assertThat(node.metric("gamestate_etcd_request_seconds_count", "op=\"range\",outcome=\"ok\"")).isPositive();
        assertThat(node.metric("gamestate_watch_lag_seconds_count", "node=")).isEqualTo(5);
        // Five events, each to both subscribers here.
        assertThat(node.metric("gamestate_fanout_recipients_sum", "node=")).isEqualTo(10);
        assertThat(node.metric("gamestate_purchases_total", "outcome=\"ok\"")).isEqualTo(1);
        assertThat(node.metric("gamestate_purchases_total", "outcome=\"replayed\"")).isEqualTo(1);
        assertThat(node.metric("gamestate_frames_rate_limited_total", "node=")).isPositive();
        assertThat(node.metric("gamestate_watch_streams_started_total", "node=")).isEqualTo(1);
        assertThat(node.metric("gamestate_lease_regrants_total", "node=")).isZero();
        assertThat(guestsWhileOpen).isEqualTo(1);
        assertThat(playersWhileOpen).isEqualTo(2);
        assertThat(node.metric("gamestate_namespace_sessions", "namespace=\"guest\"")).isZero();
        assertThat(exported()).contains("jvm_classes_loaded_classes", "process_uptime_seconds",
                "netty_allocator_memory_used", "gamestate_event_loop_tasks_pending");
    }
}
