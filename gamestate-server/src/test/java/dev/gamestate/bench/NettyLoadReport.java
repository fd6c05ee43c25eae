package dev.gamestate.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * A load run's figures: rates over the measurement window, latency percentiles, and the delivery
 * check. Printed as readable lines, then one {@code result} line of tab-separated {@code key=value}
 * pairs for scripts.
 *
 * @param clients        clients the run opened
 * @param setupMillis    first connect until every client had subscribed or failed
 * @param windowNanos    the measurement window's length (0 when nothing was published)
 * @param tally          every lane's tally, merged
 * @param behind         subscribers that had not seen their room's last acked seq when the drain ended
 * @param missingAtEnd   the acked seqs those subscribers had not seen
 * @param unanswered     broadcasts never answered
 */
record NettyLoadReport(int clients, long setupMillis, long windowNanos, NettyLoadTally tally, int behind,
                       long missingAtEnd, long unanswered) {

    /** True when every subscriber saw every event once, in order, and every broadcast was answered. */
    boolean clean() {
        return tally.gaps == 0 && tally.duplicates == 0 && tally.outOfOrder == 0 && behind == 0 && unanswered == 0;
    }

    /** Prints the report to {@code out}. */
    void print(PrintStream out) {
        NettyLoadTally t = tally;
        out.printf(Locale.ROOT, "setup: %d of %d clients connected, %d subscribed, in %d ms (%d subscribe retries)%n",
                t.connected, clients, t.subscribed, setupMillis, t.subscribeRetries);
        if (windowNanos > 0) {
            out.printf(Locale.ROOT, "rates over %.1f s: offered %.0f/s, acked %.0f/s, deliveries %.0f/s%n",
                    windowNanos / 1e9, perSecond(t.sent), perSecond(t.acked), perSecond(t.deliveries));
            out.printf(Locale.ROOT, "delivery latency ms: p50 %.3f  p99 %.3f  max %.3f  (%d samples)%n",
                    millis(t.delivery, 50), millis(t.delivery, 99), maxMillis(t.delivery), t.delivery.getTotalCount());
            out.printf(Locale.ROOT, "ack latency ms:      p50 %.3f  p99 %.3f  max %.3f  (%d samples)%n",
                    millis(t.ack, 50), millis(t.ack, 99), maxMillis(t.ack), t.ack.getTotalCount());
        }
        out.printf(Locale.ROOT, "check: %d events received, %d gaps (%d seqs), %d duplicates, %d out of order, "
                        + "%d snapshots, %d subscribers behind at the end (%d seqs), %d broadcasts unanswered: %s%n",
                t.deliveriesTotal, t.gaps, t.missing, t.duplicates, t.outOfOrder, t.snapshots, behind, missingAtEnd,
                unanswered, clean() ? "clean" : "NOT CLEAN");
        out.println("errors: " + (t.errors.isEmpty() ? "none" : errors(", ")));
        StringJoiner line = new StringJoiner("\t", "result\t", "");
        line.add("clients=" + clients).add("connected=" + t.connected).add("subscribed=" + t.subscribed)
                .add("failed=" + (clients - t.subscribed)).add("setup_ms=" + setupMillis)
                .add("subscribe_retries=" + t.subscribeRetries)
                .add(format("offered", perSecond(t.sent))).add(format("acked", perSecond(t.acked)))
                .add(format("deliveries", perSecond(t.deliveries)))
                .add(format("delivery_p50_ms", millis(t.delivery, 50)))
                .add(format("delivery_p99_ms", millis(t.delivery, 99)))
                .add(format("delivery_max_ms", maxMillis(t.delivery)))
                .add(format("ack_p50_ms", millis(t.ack, 50))).add(format("ack_p99_ms", millis(t.ack, 99)))
                .add("gaps=" + t.gaps).add("dups=" + t.duplicates).add("out_of_order=" + t.outOfOrder)
                .add("snapshots=" + t.snapshots).add("behind=" + behind).add("unanswered=" + unanswered)
                .add("errors=" + (t.errors.isEmpty() ? "-" : errors(",")));
        out.println(line);
    }

    private String errors(String separator) {
        StringJoiner joined = new StringJoiner(separator);
        tally.errors.forEach((code, n) -> joined.add(code + ":" + n));
        return joined.toString();
    }

    private double perSecond(long count) {
        return windowNanos == 0 ? 0 : count * 1e9 / windowNanos;
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    private static double maxMillis(Histogram h) {
        return h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e6;
    }

    private static String format(String key, double value) {
        return key + "=" + String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.3f", value);
    }
}
