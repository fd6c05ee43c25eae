package dev.gamestate.app;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files no test can run here (no docker): {@code deploy/compose.yaml} parses (anchors and
 * merge keys resolved, as compose does) and wires the cluster it promises, the {@code Dockerfile} runs
 * the tarball of this version as a non-root user with a readiness check, and the systemd unit runs
 * {@code bin/gamestate}.
 */
class DeployFilesTest {

    private static final List<String> ETCD = List.of("etcd-1", "etcd-2", "etcd-3");
    private static final List<String> NODES = List.of("gamestate-1", "gamestate-2");

    @Test
    void composeHasThreeEtcdMembersTwoNodesPrometheusAndGrafana() throws IOException {
        Map<String, Object> compose = yaml(Files.readString(Repo.path("deploy/compose.yaml")));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsOnlyKeys("etcd-1", "etcd-2", "etcd-3", "gamestate-1", "gamestate-2",
                "prometheus", "grafana");

        for (String member : ETCD) {
            Map<String, Object> env = map(map(services.get(member)).get("environment"));
            assertThat(env).containsEntry("ETCD_NAME", member)
                    .containsEntry("ETCD_ADVERTISE_CLIENT_URLS", "http://" + member + ":2379");
            assertThat((String) env.get("ETCD_INITIAL_CLUSTER")).contains(member + "=http://" + member + ":2380");
        }
        for (String node : NODES) {
            Map<String, Object> service = map(services.get(node));
            assertThat(service.get("image")).isEqualTo("gamestate:" + projectVersion());
            Map<String, Object> env = map(service.get("environment"));
            assertThat(env).containsEntry("GAMESTATE_SERVER_NODE_ID", node);
            assertThat(((String) env.get("GAMESTATE_ETCD_ENDPOINTS")).split(","))
                    .containsExactly("http://etcd-1:2379", "http://etcd-2:2379", "http://etcd-3:2379");
            assertThat(env).containsKeys("GAMESTATE_AUTH_JWT_HMAC_SECRET", "GAMESTATE_AUTH_GUEST_TOKEN_SECRET");
        }
        Map<String, Object> configs = map(compose.get("configs"));
        Map<String, Object> prometheus = yaml((String) map(configs.get("prometheus")).get("content"));
        assertThat(prometheus.toString()).contains("gamestate-1:8080", "gamestate-2:8080", "/metrics");
        assertThat((String) map(configs.get("grafana-datasource")).get("content")).contains("http://prometheus:9090");
        // The alert rules and the dashboard that DashboardMetricsIT holds to the exported metrics.
        assertThat(prometheus.get("rule_files")).isEqualTo(List.of("/etc/prometheus/alerts.yml"));
        assertThat(map(services.get("prometheus")).get("volumes").toString())
                .contains("./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        assertThat(map(services.get("grafana")).get("volumes").toString())
                .contains("./grafana/gamestate.json:/var/lib/grafana/dashboards/gamestate.json:ro");
        assertThat(Repo.path("deploy/prometheus/alerts.yml")).isRegularFile();
        assertThat(Repo.path("deploy/grafana/gamestate.json")).isRegularFile();
    }

    @Test
    void theImageRunsThisVersionsTarballAsANonRootUserAndChecksReadiness() throws IOException {
        String dockerfile = Files.readString(Repo.path("Dockerfile"));
        assertThat(dockerfile).contains("ARG VERSION=" + projectVersion() + "\n")
                .contains("ADD target/gamestate-${VERSION}.tar.gz /opt/")
                .containsPattern("(?m)^HEALTHCHECK .*CMD \\[\"/opt/gamestate/bin/gamestate\", \"ready\"]$")
                .containsPattern("(?m)^ENTRYPOINT \\[\"/opt/gamestate/bin/gamestate\"]$");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
        assertThat(user.find()).as("a USER line").isTrue();
        assertThat(user.group(1)).doesNotStartWith("root").doesNotStartWith("0");
    }

    @Test
    void theSystemdUnitRunsTheDistributableAsItsOwnUser() throws IOException {
        String unit = Files.readString(Repo.path("deploy/systemd/gamestate.service"));
        assertThat(unit).containsPattern("(?m)^ExecStart=/opt/gamestate/bin/gamestate ")
                .containsPattern("(?m)^User=gamestate$")
                .containsPattern("(?m)^SuccessExitStatus=143$")
                .containsPattern("(?m)^EnvironmentFile=-/etc/gamestate/gamestate.env$");
    }

    private static Map<String, Object> yaml(String text) {
        return new Yaml().load(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("\n  <version>([^<]+)</version>").matcher(Files.readString(Repo.path("pom.xml")));
        assertThat(version.find()).as("pom.xml has a project version").isTrue();
        return version.group(1);
    }
}
