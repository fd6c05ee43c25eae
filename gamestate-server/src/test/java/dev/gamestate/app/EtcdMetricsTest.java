package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.state.EtcdOp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EtcdMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EtcdMetrics metrics = new EtcdMetrics(registry);

    private double sample(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(registry.scrape());
        assertThat(m.find()).as(series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aCallLandsInItsOpsAndOutcomesHistogramOnly() {
        metrics.call(EtcdOp.TXN, true, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.call(EtcdOp.TXN, true, TimeUnit.MILLISECONDS.toNanos(40));
        metrics.call(EtcdOp.RANGE, false, TimeUnit.SECONDS.toNanos(5));

        assertThat(sample("gamestate_etcd_request_seconds_count{op=\"txn\",outcome=\"ok\"}")).isEqualTo(2);
        assertThat(sample("gamestate_etcd_request_seconds_bucket{op=\"txn\",outcome=\"ok\",le=\"0.002\"}")).isZero();
        assertThat(sample("gamestate_etcd_request_seconds_bucket{op=\"txn\",outcome=\"ok\",le=\"0.005\"}"))
                .isEqualTo(1);
        assertThat(sample("gamestate_etcd_request_seconds_bucket{op=\"txn\",outcome=\"ok\",le=\"0.05\"}")).isEqualTo(2);
        assertThat(sample("gamestate_etcd_request_seconds_count{op=\"txn\",outcome=\"error\"}")).isZero();
        assertThat(sample("gamestate_etcd_request_seconds_bucket{op=\"range\",outcome=\"error\",le=\"2.5\"}")).isZero();
        assertThat(sample("gamestate_etcd_request_seconds_bucket{op=\"range\",outcome=\"error\",le=\"5.0\"}"))
                .isEqualTo(1);
    }

    @Test
    void everyOpAndOutcomeIsExportedFromTheStartWithFewBuckets() {
        String scrape = registry.scrape();
        for (EtcdOp op : EtcdOp.values()) {
            for (String outcome : new String[] {"ok", "error"}) {
                String prefix = "gamestate_etcd_request_seconds_bucket{op=\"" + op.tag() + "\",outcome=\"" + outcome
                        + "\",";
                assertThat(scrape.lines().filter(l -> l.startsWith(prefix)).count()).as(prefix)
                        .isEqualTo(EtcdMetrics.BUCKETS.length + 1); // and +Inf
            }
        }
    }
}
