package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.state.EtcdFaults;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.options.DeleteOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * etcd out of space (its NOSPACE alarm): writes are refused as "etcd is out of space", the node logs
 * what the operator should do (once, not per request), counts it, reports itself unready, and once
 * the operator freed space and disarmed the alarm, the session records and subscriber counts that
 * failed meanwhile are written after all.
 */
@Tag("slow")
class EtcdNoSpaceIT {

    /** Small enough to fill in a few puts. */
    private static final long QUOTA = 16L << 20;

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMemberWithQuota(QUOTA);

    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final String ROOM = "full-room";
    private static final String BROADCAST = "core.game.state.broadcast";
    private static final String FILLER = "/filler/";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFullEtcdIsReportedAsOutOfSpaceAndWhatFailedMeanwhileIsWrittenOnceItHasRoom() throws Exception {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger faultLog = (Logger) LoggerFactory.getLogger(EtcdFaults.class);
        faultLog.addAppender(log);
        try (Client admin = ETCD.newClient();
             EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             TestNode node = TestNode.start(env);
             Player alice = Player.connect(node.privateWs(), "alice")) {
            URI readyz = node.http("/readyz");
            alice.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            alice.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"before\"}");
            assertThat(HttpProbe.get(readyz).status()).isEqualTo(200);
            String nodeId = node.node().config().server().nodeId();
            await("alice's subscription counted").atMost(RECOVERY)
                    .until(() -> count(etcd, "subscriptions/private/" + ROOM + "/" + nodeId) == 1);

            int filled = fill(admin);
            System.out.printf("EtcdNoSpaceIT: %d puts of 1 MB filled a %d MiB quota%n", filled, QUOTA >> 20);

            JsonNode refused = alice.request(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"during\"}");
            assertThat(refused.path("error").path("code").asText()).as("%s", refused).isEqualTo("unavailable");
            assertThat(refused.path("error").path("message").asText()).isEqualTo("etcd is out of space");
            assertThat(refused.path("error").path("retryAfterMs").asLong()).isPositive();
            for (int i = 0; i < 5; i++) {
                alice.request(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"again\"}");
            }
            HttpProbe.Answer notReady = HttpProbe.get(readyz);
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.json().path("error").path("message").asText()).isEqualTo("etcd is out of space");
            assertThat(HttpProbe.get(node.http("/metrics")).body())
                    .containsPattern("gamestate_etcd_errors_total\\{kind=\"no_space\",node=\"[^\"]+\"} [1-9]");
            // Seven refusals and a probe within a second or so: one line (two, had 30 s passed meanwhile).
            assertThat(log.list).as("a line for many refusals, saying what to do")
                    .filteredOn(e -> e.getFormattedMessage().contains("etcdctl alarm disarm")).hasSizeBetween(1, 2);

            // Connections opened during the outage: their records and counts cannot be written yet.
            try (Player bob = Player.connect(node.privateWs(), "bob");
                 Player carol = Player.connect(node.privateWs(), "carol")) {
                bob.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
                carol.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
                assertThat(count(etcd, "sessions/private/bob/")).isZero();

                freeSpaceAndDisarm(admin);

                await("records written once etcd has room").atMost(RECOVERY).untilAsserted(() -> {
                    assertThat(count(etcd, "sessions/private/bob/")).isEqualTo(1);
                    assertThat(count(etcd, "sessions/private/carol/")).isEqualTo(1);
                    assertThat(etcd.list("subscriptions/private/" + ROOM + "/" + nodeId)).singleElement()
                            .satisfies(kv -> assertThat(EtcdView.json(kv).path("sessions").asLong()).isEqualTo(3));
                });
                await("/readyz").atMost(RECOVERY).until(() -> HttpProbe.get(readyz).status() == 200);
                long seq = alice.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"after\"}").path("seq").asLong();
                bob.awaitSeq(ROOM, seq, Player.WAIT);
            }
        } finally {
            faultLog.detachAppender(log);
        }
    }

    private static long count(EtcdView etcd, String relative) {
        return etcd.count(relative);
    }

    /** Puts 1 MB values until etcd refuses: the NOSPACE alarm is raised. Returns how many went in. */
    private static int fill(Client admin) throws InterruptedException {
        byte[] value = new byte[1_000_000];
        Arrays.fill(value, (byte) 'x');
        for (int i = 0; i < 100; i++) {
            try {
                admin.getKVClient().put(key(FILLER + i), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                assertThat(e).hasStackTraceContaining("database space exceeded");
                return i;
            }
        }
        throw new AssertionError("etcd took 100 MB under a quota of " + QUOTA);
    }

    /** What the operator does: delete (or compact away) what filled etcd, defragment, disarm. */
    private static void freeSpaceAndDisarm(Client admin) throws Exception {
        long revision = admin.getKVClient().delete(key(FILLER), DeleteOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
        admin.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
        admin.getMaintenanceClient().defragmentMember(ETCD.endpoints().getFirst()).get(30, TimeUnit.SECONDS);
        for (AlarmMember alarm : admin.getMaintenanceClient().listAlarms().get(10, TimeUnit.SECONDS).getAlarms()) {
            if (alarm.getAlarmType() == AlarmType.NOSPACE) {
                admin.getMaintenanceClient().alarmDisarm(alarm).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static ByteSequence key(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }
}
