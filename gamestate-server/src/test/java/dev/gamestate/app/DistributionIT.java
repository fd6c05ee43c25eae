package dev.gamestate.app;

import dev.gamestate.testing.Repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.FreePort;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributable ({@code ./gamestate dist}): unpacked into an empty directory and started with an
 * empty environment (no {@code PATH}, no {@code JAVA_HOME}: only the server's own settings), it runs on
 * its own runtime, becomes ready against a real etcd, logs JSON when told to, and stops on SIGTERM to
 * its pid. The tarball is built from {@code target/} ({@code ./gamestate dist --prebuilt}, ~30 s) when it is
 * missing or older than the jar or a file it is made of.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration BUILD_LIMIT = Duration.ofMinutes(4);
    private static final Duration READY_LIMIT = Duration.ofSeconds(60);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path tarball;

    @TempDir
    Path dir;

    private Process server;

    @BeforeAll
    static void buildTheTarballUnlessFresh() throws IOException, InterruptedException {
        Path jar = Path.of("target", "gamestate.jar");
        assertThat(jar).as("mvn package ran before the integration tests").exists();
        tarball = Repo.path("target/gamestate-" + DeployFilesTest.projectVersion() + ".tar.gz");
        FileTime built = Files.exists(tarball) ? Files.getLastModifiedTime(tarball) : FileTime.fromMillis(0);
        boolean fresh = true;
        for (String input : List.of("gamestate-server/target/gamestate.jar", "gamestate", "deploy/jvm.options", "deploy/dist/gamestate",
                "deploy/gamestate.example.yaml", "deploy/systemd/gamestate.service")) {
            fresh &= built.compareTo(Files.getLastModifiedTime(Repo.path(input))) >= 0;
        }
        if (fresh) {
            return;
        }
        Path log = Path.of("target", "dist-build.log");
        Process dist = new ProcessBuilder("./gamestate", "dist", "--prebuilt").directory(Repo.root().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!dist.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            dist.destroyForcibly();
            throw new AssertionError("./gamestate dist took longer than " + BUILD_LIMIT + "; see " + log);
        }
        assertThat(dist.exitValue()).as("./gamestate dist: %s", Files.readString(log)).isZero();
    }

    @AfterEach
    void stopWhatIsLeft() {
        if (server != null && server.isAlive()) {
            ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theUnpackedTarballRunsANodeWithNoJdkAndAnEmptyEnvironmentAndStopsOnSigterm() throws Exception {
        Path home = unpack();
        assertThat(home.resolve("runtime/bin/java")).isExecutable();
        assertThat(home.resolve("runtime/bin/javac")).as("a runtime, not a JDK").doesNotExist();
        assertThat(home.resolve("lib/gamestate.jar")).exists();
        assertThat(home.resolve("systemd/gamestate.service")).exists();
        assertThat(Files.readString(home.resolve("config/jvm.options")))
                .isEqualTo(Files.readString(Repo.path("deploy/jvm.options")));

        int port = FreePort.pick();
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/gamestate").toString())
                .directory(dir.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        start.environment().clear();
        start.environment().putAll(Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv(),
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", TestNode.JWT_SECRET,
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", TestNode.GUEST_SECRET,
                "GAMESTATE_SERVER_HOST", "127.0.0.1",
                "GAMESTATE_SERVER_PORT", Integer.toString(port),
                "GAMESTATE_SERVER_NODE_ID", "dist-1",
                "GAMESTATE_LOG_FORMAT", "json"));
        long started = System.nanoTime();
        server = start.start();
        long pid = server.pid();

        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        await("/readyz 200").atMost(READY_LIMIT).pollInterval(Duration.ofMillis(200))
                .failFast("the server exited: " + Files.readString(stderr), () -> !server.isAlive())
                .until(() -> HttpProbe.tryGet(readyz, Map.of()).map(HttpProbe.Answer::status), s -> s.equals(Optional.of(200)));
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("DistributionIT: ready %d ms after the start from the tarball%n", readyMillis);

        // The script execs the JVM of the bundled runtime: its pid is the server's.
        assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command()))
                .hasValueSatisfying(command -> assertThat(command).endsWith("runtime/bin/java"));
        assertThat(run(home, Map.of("GAMESTATE_SERVER_PORT", Integer.toString(port)), "ready"))
                .as("bin/gamestate ready, the Dockerfile's HEALTHCHECK").isZero();

        ProcessHandle.of(pid).orElseThrow().destroy(); // SIGTERM
        assertThat(server.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP_LIMIT).isTrue();
        assertThat(server.exitValue()).as("exit on SIGTERM").isEqualTo(143);
        assertThat(run(home, Map.of("GAMESTATE_SERVER_PORT", Integer.toString(port)), "ready")).isNotZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(stdout)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.path("nodeId").asText()).isEqualTo("dist-1"));
        assertThat(lines).extracting(line -> line.path("formattedMessage").asText()).contains("shutting down");
    }

    @Test
    void theExampleConfigIsOneTheServerAccepts() throws Exception {
        Path home = unpack();
        Path out = dir.resolve("print.log");
        ProcessBuilder print = new ProcessBuilder(home.resolve("bin/gamestate").toString(), "--config",
                home.resolve("config/gamestate.example.yaml").toString(), "--print-config", "etcd.endpoints",
                "log.format").redirectErrorStream(true).redirectOutput(out.toFile());
        print.environment().clear();
        Process process = print.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(out)).isZero();
        assertThat(Files.readAllLines(out))
                .containsExactly("http://etcd-1:2379,http://etcd-2:2379,http://etcd-3:2379", "text");
    }

    private Path unpack() throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString())
                .inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        return dir.resolve(tarball.getFileName().toString().replace(".tar.gz", ""));
    }

    /** Runs {@code bin/gamestate args} with only {@code env}; its exit code. */
    private static int run(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/gamestate").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
