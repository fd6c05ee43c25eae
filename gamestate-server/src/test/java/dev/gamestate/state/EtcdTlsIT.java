package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.testing.EtcdProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node reaches an etcd that speaks TLS and demands a client certificate, with jetcd and with its own watch stream. */
class EtcdTlsIT {

    @TempDir
    Path dir;

    private Process etcd;

    @Test
    void connectsToEtcdOverTlsWithAClientCertificate() throws Exception {
        GameConfig.Etcd config = startTlsEtcd();
        try (Etcd tlsEtcd = Etcd.create(config)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tlsEtcd.ping().join());
            assertThat(tlsEtcd.ping().join()).isTrue();
            // The room path's own channel (DirectKv) speaks TLS with the same files.
            io.etcd.jetcd.api.RangeRequest read = io.etcd.jetcd.api.RangeRequest.newBuilder()
                    .setKey(DirectKv.wrap(new byte[] {'/'})).setCountOnly(true).build();
            assertThat(tlsEtcd.direct().range(read).join().hasHeader()).isTrue();
        }
    }

    @Test
    void theSharedWatchStreamWatchesOverTlsWithAClientCertificate() throws Exception {
        GameConfig.Etcd config = startTlsEtcd();
        try (Etcd tlsEtcd = Etcd.create(config);
             SerialExecutor delivery = SerialExecutor.start("test-watch-delivery", 16);
             SharedWatchStream stream = SharedWatchStream.create(config, delivery)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tlsEtcd.ping().join());
            RecordingWatchListener listener = new RecordingWatchListener();
            stream.watchPrefix("/tls/", 1, listener);
            tlsEtcd.kv().put(Keys.bytes("/tls/1"), Keys.bytes("{}")).join();

            await().atMost(Duration.ofSeconds(20)).until(() -> listener.keys.size() == 1);
            assertThat(listener.keys).containsExactly("/tls/1");
        }
    }

    /** An etcd that speaks only TLS and wants a client certificate; stopped after the test. */
    private GameConfig.Etcd startTlsEtcd() throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
                "-keyout", "ca.key", "-out", "ca.crt");
        issue("server", "subjectAltName=IP:127.0.0.1");
        issue("client", "extendedKeyUsage=clientAuth");
        int client = freePort();
        int peer = freePort();
        etcd = new ProcessBuilder(EtcdProcess.etcdBinary(), "--name", "tls", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "https://127.0.0.1:" + client, "--advertise-client-urls", "https://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "tls=http://127.0.0.1:" + peer,
                "--cert-file", dir.resolve("server.crt").toString(), "--key-file", dir.resolve("server.key").toString(),
                "--trusted-ca-file", dir.resolve("ca.crt").toString(), "--client-cert-auth")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        return ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", "https://127.0.0.1:" + client,
                "GAMESTATE_ETCD_TLS_CA_FILE", dir.resolve("ca.crt").toString(),
                "GAMESTATE_ETCD_TLS_CERT_FILE", dir.resolve("client.crt").toString(),
                "GAMESTATE_ETCD_TLS_KEY_FILE", dir.resolve("client.pk8").toString(),
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40),
                "GAMESTATE_ETCD_REQUEST_TIMEOUT", "2s")).bind().etcd();
    }

    @AfterEach
    void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void issue(String name, String extension) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key",
                "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", name + ".ext", "-out", name + ".crt");
        // Netty reads PKCS#8 keys.
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".pk8");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s", String.join(" ", args)).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
