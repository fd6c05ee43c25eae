package dev.gamestate.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proves the etcd test harness against real etcd processes. */
class EtcdClusterIT {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Nested
    class SingleMember {

        @RegisterExtension
        static final EtcdExtension ETCD = EtcdExtension.singleMember();

        @Test
        void answersPutAndGet() throws Exception {
            try (Client client = ETCD.newClient()) {
                put(client, "single/key", "hello");

                assertThat(get(client, "single/key", false)).contains("hello");
            }
        }

        @Test
        void resolvesTheClusterAsParameter(EtcdCluster cluster) {
            assertThat(cluster).isSameAs(ETCD.cluster());
            assertThat(cluster.size()).isOne();
            assertThat(ETCD.endpoints()).singleElement().asString().startsWith("http://127.0.0.1:");
            assertThat(ETCD.endpointsCsv()).isEqualTo(cluster.member(0).endpoint());
            assertThat(cluster.member(0).isHealthy()).isTrue();
        }

        @Test
        void standaloneProcessCleansUpAfterItself() throws Exception {
            Path dataDir;
            EtcdProcess etcd = EtcdProcess.startSingle();
            try (etcd; Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
                dataDir = etcd.dataDir();
                put(client, "standalone/key", "v");
                assertThat(get(client, "standalone/key", false)).contains("v");
            }

            assertThat(etcd.isRunning()).isFalse();
            assertThat(dataDir.getParent()).doesNotExist();
        }
    }

    @Nested
    class ThreeMembers {

        @RegisterExtension
        static final EtcdExtension ETCD = EtcdExtension.members(3);

        /** Puts every member back to running and healthy, whatever the test did to it. */
        @AfterEach
        void restoreMembers() {
            ETCD.cluster().restoreAll(PATIENCE);
        }

        @Test
        void formsOneClusterOfThree(EtcdCluster cluster) throws Exception {
            assertThat(cluster.endpoints()).hasSize(3).doesNotHaveDuplicates();
            assertThat(cluster.members()).allMatch(EtcdProcess::isHealthy);
            try (Client client = ETCD.newClient()) {
                assertThat(client.getClusterClient().listMember().get(10, SECONDS).getMembers()).hasSize(3);
            }
        }

        @Test
        void keepsAnsweringPutsWithTheLeaderKilled(EtcdCluster cluster) throws Exception {
            EtcdProcess leader = cluster.member(leaderIndex(cluster));

            leader.kill();

            assertThat(leader.isRunning()).isFalse();
            try (Client client = ETCD.newClient()) {
                await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> put(client, "killed/first", "1"));
                for (int i = 0; i < 20; i++) {
                    put(client, "killed/" + i, Integer.toString(i));
                }
                assertThat(get(client, "killed/19", false)).contains("19");
            }
        }

        @Test
        void pausedMemberIsSilentUntilResumed(EtcdCluster cluster) throws Exception {
            EtcdProcess member = cluster.member((leaderIndex(cluster) + 1) % cluster.size());

            member.pause();

            assertThat(member.isPaused()).isTrue();
            assertThat(member.isHealthy()).isFalse();
            try (Client client = ETCD.newClient()) {
                await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> put(client, "paused/key", "during"));
            }

            member.resume();

            assertThat(member.isPaused()).isFalse();
            awaitCaughtUp(member, "paused/key", "during");
        }

        @Test
        void restartedMemberRejoinsAndCatchesUp(EtcdCluster cluster) throws Exception {
            EtcdProcess member = cluster.member(2);
            member.kill();
            try (Client client = ETCD.newClient()) {
                await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> put(client, "restart/key", "missed"));
            }

            member.restart();

            assertThat(member.isRunning()).isTrue();
            awaitCaughtUp(member, "restart/key", "missed");
        }

        /** Waits until the member is healthy and its own (serializable) read sees the value. */
        private static void awaitCaughtUp(EtcdProcess member, String key, String value) {
            await().atMost(PATIENCE).until(member::isHealthy);
            try (Client direct = Client.builder().endpoints(member.endpoint()).build()) {
                await().atMost(PATIENCE)
                        .ignoreExceptions()
                        .untilAsserted(() -> assertThat(get(direct, key, true)).contains(value));
            }
        }

        /** Asks each member for its status and returns the index of the one that leads. */
        private static int leaderIndex(EtcdCluster cluster) throws Exception {
            for (int i = 0; i < cluster.size(); i++) {
                String endpoint = cluster.member(i).endpoint();
                try (Client client = Client.builder().endpoints(endpoint).build()) {
                    StatusResponse status =
                            client.getMaintenanceClient().statusMember(endpoint).get(10, SECONDS);
                    if (status.getLeader() == status.getHeader().getMemberId()) {
                        return i;
                    }
                }
            }
            throw new AssertionError("no member of " + cluster + " says it leads");
        }
    }

    private static void put(Client client, String key, String value) throws Exception {
        client.getKVClient().put(bytes(key), bytes(value)).get(5, SECONDS);
    }

    private static Optional<String> get(Client client, String key, boolean serializable) throws Exception {
        GetOption option = GetOption.builder().withSerializable(serializable).build();
        List<KeyValue> kvs = client.getKVClient().get(bytes(key), option).get(5, SECONDS).getKvs();
        return kvs.stream().findFirst().map(kv -> kv.getValue().toString(UTF_8));
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }
}
