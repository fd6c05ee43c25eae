package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.Secret;
import dev.gamestate.testing.ChildJvm;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.FreePort;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stopping a node: sockets closed with 1001, readiness withdrawn, leases released, all within the timeout. */
class ShutdownIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Scheduling and JVM exit on a busy two-core machine; the bound is functional, not a benchmark. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    @Test
    void closingANodeClosesItsSocketsWith1001StopsServingAndReturnsWithinTheShutdownTimeout() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s");
        TestNode node = TestNode.start(env);
        URI readyz = node.http("/readyz");
        try (WsClient player = node.player("gina"); WsClient guest = node.guest()) {
            assertThat(HttpProbe.get(readyz).status()).isEqualTo(200);

            CompletableFuture<Duration> closing = CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                node.close();
                return Duration.ofNanos(System.nanoTime() - started);
            });

            assertThat(player.awaitClose()).isEqualTo(1001);
            assertThat(guest.awaitClose()).isEqualTo(1001);
            await().atMost(SHUTDOWN_TIMEOUT.plus(SLACK)).until(() ->
                    HttpProbe.tryGet(readyz, Map.of()).map(HttpProbe.Answer::status).orElse(503) == 503);
            Duration elapsed = closing.get(SHUTDOWN_TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(elapsed).isLessThan(SHUTDOWN_TIMEOUT.plus(SLACK));
            assertThat(HttpProbe.tryGet(readyz, Map.of())).as("the port after close()").isEmpty();
        } finally {
            node.close();
        }
    }

    @Test
    void sigtermMakesTheRealServerClose1001ReleaseItsLeaseAndExitWithinTheShutdownTimeout() throws Exception {
        int port = FreePort.pick();
        String prefix = "/t-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        String nodeId = "sigterm-node";
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_KEY_PREFIX", prefix);
        env.put("GAMESTATE_ETCD_LEASE_TTL", "60s");
        env.put("GAMESTATE_SERVER_HOST", "127.0.0.1");
        env.put("GAMESTATE_SERVER_PORT", Integer.toString(port));
        env.put("GAMESTATE_SERVER_NODE_ID", nodeId);
        env.put("GAMESTATE_SERVER_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s");
        env.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", TestNode.JWT_SECRET);
        env.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", TestNode.GUEST_SECRET);

        try (ChildJvm server = ChildJvm.start(env); Client etcd = ETCD.newClient()) {
            URI healthz = URI.create("http://127.0.0.1:" + port + "/healthz");
            await().atMost(Duration.ofSeconds(30))
                    .failFast("the server exited", () -> !server.process().isAlive())
                    .until(() -> HttpProbe.tryGet(healthz, Map.of()).map(HttpProbe.Answer::status).orElse(0) == 200);
            String token = DevTokens.mint(new Secret(TestNode.JWT_SECRET), "hank", Duration.ofHours(1), Clock.systemUTC());
            try (WsClient player = WsClient.connect(
                    URI.create("ws://127.0.0.1:" + port + "/core/game/v1/real-time/private"),
                    Map.of("Authorization", "Bearer " + token))) {
                player.awaitType("welcome");
                assertThat(keyCount(etcd, prefix + "nodes/" + nodeId)).isEqualTo(1);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> keyCount(etcd, prefix + "sessions/private/hank/") == 1);

                long started = System.nanoTime();
                assertThat(server.process().toHandle().destroy()).as("SIGTERM sent").isTrue();

                assertThat(player.awaitClose()).isEqualTo(1001);
                ChildJvm.Outcome outcome = server.awaitExit(SHUTDOWN_TIMEOUT.plus(SLACK));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                assertThat(outcome.exitCode()).as("exit code; stderr:%n%s%nstdout:%n%s", outcome.stderr(),
                        outcome.stdout()).isIn(Set.of(0, 143));
                assertThat(elapsed).isLessThan(SHUTDOWN_TIMEOUT.plus(SLACK));
            }
            // The lease lasts 60 s: its keys are gone only because the node revoked it on the way out.
            assertThat(keyCount(etcd, prefix + "nodes/" + nodeId)).isZero();
            assertThat(keyCount(etcd, prefix + "sessions/private/hank/")).isZero();
        }
    }

    private static long keyCount(Client etcd, String keyOrPrefix) throws Exception {
        return etcd.getKVClient().get(ByteSequence.from(keyOrPrefix, StandardCharsets.UTF_8),
                        GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .get(10, TimeUnit.SECONDS).getCount();
    }
}
