package dev.gamestate.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What a load run measured, shared by all clients: latency histograms in microseconds and counters. */
final class LoadStats {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);

    /** Request sent to its ack (or error) received. */
    final Histogram ack = new ConcurrentHistogram(MAX_MICROS, 3);
    /** Broadcast sent to the event's receipt, one value per receiving client. */
    final Histogram fanOut = new ConcurrentHistogram(MAX_MICROS, 3);
    /** Requests sent while measuring. */
    final LongAdder sent = new LongAdder();
    /** Acks received for requests sent while measuring. */
    final LongAdder acked = new LongAdder();
    /** Stamped events received for broadcasts sent while measuring. */
    final LongAdder delivered = new LongAdder();
    /** Events whose seq jumped past the next one. */
    final LongAdder gaps = new LongAdder();
    /** Events whose seq was not above the last one seen. */
    final LongAdder duplicates = new LongAdder();
    /** Room events that came before the room's subscribe ack. */
    final LongAdder early = new LongAdder();
    /** {@code snapshot} events (the server resynced a subscription). */
    final LongAdder snapshots = new LongAdder();
    private final Map<String, LongAdder> ackedByRoom = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();

    void ack(long micros) {
        ack.recordValue(Math.min(micros, MAX_MICROS));
    }

    void fanOut(long micros) {
        fanOut.recordValue(Math.min(micros, MAX_MICROS));
    }

    /** Counts a measured broadcast acked in {@code room}. */
    void acked(String room) {
        acked.increment();
        ackedByRoom.computeIfAbsent(room, r -> new LongAdder()).increment();
    }

    /** Measured acked broadcasts by room. */
    Map<String, Long> ackedByRoom() {
        return sorted(ackedByRoom);
    }

    /** Counts an error reply, by its code, or a failure of the client's own ({@code connect: ...}). */
    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Counts a closed socket by its close code and reason. */
    void closed(int code, String reason) {
        closes.computeIfAbsent(code + (reason.isEmpty() ? "" : " " + reason), c -> new LongAdder()).increment();
    }

    Map<String, Long> errors() {
        return sorted(errors);
    }

    Map<String, Long> closes() {
        return sorted(closes);
    }

    private static Map<String, Long> sorted(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** {@code p50 1.23 p90 ... max ... (n=...)} in milliseconds. */
    static String describe(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format("p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms  (n=%d)", ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), h.getTotalCount());
    }

    /** The four figures tab-separated, for the machine-readable result line. */
    static String figures(Histogram h) {
        return String.format("%.3f\t%.3f\t%.3f\t%.3f", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
