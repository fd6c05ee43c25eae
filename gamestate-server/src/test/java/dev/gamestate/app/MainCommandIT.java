package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.ChildJvm;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: config errors, {@code --print-config} and {@code token}. */
class MainCommandIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    /** A JVM start plus a command that does no network work. */
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv());
        env.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", TestNode.JWT_SECRET);
        env.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", TestNode.GUEST_SECRET);
        return env;
    }

    @Test
    void aBadValueStopsStartUpWithExitCode2AndOneLineNamingTheKey() {
        Map<String, String> env = required();
        env.put("GAMESTATE_SERVER_PORT", "abc");

        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, env);

        assertThat(outcome.exitCode()).as("stderr: %s", outcome.stderr()).isEqualTo(2);
        assertThat(outcome.stderrLines())
                .containsExactly("gamestate: config error: server.port: expected an integer, got 'abc'");
        assertThat(outcome.stdout()).isEmpty();
    }

    @Test
    void aMissingRequiredValueStopsStartUpNamingTheKey() {
        Map<String, String> env = required();
        env.remove("GAMESTATE_AUTH_GUEST_TOKEN_SECRET");

        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, env);

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderrLines()).singleElement().asString()
                .startsWith("gamestate: config error: auth.guest.tokenSecret: ");
    }

    @Test
    void printConfigPrintsTheResolvedValuesOnePerLine() {
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_SERVER_PORT", "9123");
        env.put("GAMESTATE_ETCD_ENDPOINTS", "http://127.0.0.1:2379,http://127.0.0.1:2380");

        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, env, "--print-config", "server.port", "etcd.endpoints");

        assertThat(outcome.exitCode()).as("stderr: %s", outcome.stderr()).isZero();
        assertThat(outcome.stdoutLines()).containsExactly("9123", "http://127.0.0.1:2379,http://127.0.0.1:2380");
    }

    @Test
    void printConfigReadsTheFileGivenWithConfigAndTheEnvironmentBeatsIt() throws IOException {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, "server:\n  port: 7005\nlimits:\n  messagesPerSecond: 12\n");

        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, Map.of("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "13"),
                "--config", file.toString(), "--print-config", "server.port", "limits.messagesPerSecond");

        assertThat(outcome.exitCode()).as("stderr: %s", outcome.stderr()).isZero();
        assertThat(outcome.stdoutLines()).containsExactly("7005", "13");
    }

    @Test
    void tokenPrintsAJwtThatTheServerAccepts() {
        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, required(), "token", "alice");

        assertThat(outcome.exitCode()).as("stderr: %s", outcome.stderr()).isZero();
        assertThat(outcome.stdoutLines()).singleElement().asString()
                .matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        String token = outcome.stdoutLines().get(0);
        try (TestNode node = TestNode.start(ETCD.endpointsCsv());
             WsClient player = WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + token))) {
            JsonNode welcome = player.awaitType("welcome").path("payload");
            assertThat(welcome.path("userId").asText()).isEqualTo("alice");
            assertThat(welcome.path("namespace").asText()).isEqualTo("private");
        }
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        ChildJvm.Outcome outcome = ChildJvm.run(COMMAND_LIMIT, required(), "frobnicate");

        assertThat(outcome.exitCode()).isEqualTo(64);
        assertThat(outcome.stderrLines()).singleElement().asString()
                .startsWith("gamestate: unknown argument 'frobnicate'");
    }
}
