package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdProcess;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idle watch's resume point follows etcd's progress notifications (here every half second). */
class SharedWatchStreamProgressIT {

    @TempDir
    Path dir;

    private Process etcd;

    @Test
    void anIdleWatchResumesPastTheRevisionsItHadNothingIn() throws Exception {
        String endpoint = startEtcdWithFastProgress();
        try (Client client = Client.builder().endpoints(endpoint).build();
             SerialExecutor delivery = SerialExecutor.start("test-watch-delivery", 16);
             SharedWatchStream stream = SharedWatchStream.create(SharedWatchStreamIT.config(endpoint), delivery)) {
            KV kv = client.getKVClient();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> kv.put(Keys.bytes("/other/0"), Keys.bytes("{}")).get(2, TimeUnit.SECONDS) != null);
            long from = kv.get(Keys.bytes("/idle/")).join().getHeader().getRevision() + 1;
            RecordingWatchListener idle = new RecordingWatchListener();
            SharedWatchStream.Watch watch = stream.watchPrefix("/idle/", from, idle);
            for (int i = 1; i <= 5; i++) {
                kv.put(Keys.bytes("/other/" + i), Keys.bytes("{}")).join();
            }
            long written = kv.get(Keys.bytes("/idle/")).join().getHeader().getRevision();

            await().atMost(Duration.ofSeconds(20)).until(() -> watch.resumeRevision() > written);
            assertThat(idle.keys).isEmpty();
        }
    }

    private String startEtcdWithFastProgress() throws IOException {
        int client = freePort();
        int peer = freePort();
        etcd = new ProcessBuilder(EtcdProcess.etcdBinary(), "--name", "progress",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client,
                "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "progress=http://127.0.0.1:" + peer,
                "--experimental-watch-progress-notify-interval", "500ms")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        return "http://127.0.0.1:" + client;
    }

    @AfterEach
    void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
