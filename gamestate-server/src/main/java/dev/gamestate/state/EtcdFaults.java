package dev.gamestate.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's count of failed etcd calls by {@link EtcdFault#kind()}, and the operator's log of them:
 * one line per kind at most every {@link #LOG_EVERY_MS}, with what to do and how many calls failed
 * that way since the last line, however many requests fail meanwhile.
 */
public final class EtcdFaults {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdFaults.class);
    /** At most one log line per kind this often. */
    static final long LOG_EVERY_MS = 30_000;
    /** Every kind, in the order metrics list them. */
    public static final List<String> KINDS = List.of("no_space", "no_leader", "timeout", "unreachable", "other");

    private final String endpoints;
    private final LongSupplier nanoClock;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unlogged = new ConcurrentHashMap<>();

    /** Faults of calls to {@code endpoints} (named in the log), timed by {@code nanoClock}. */
    EtcdFaults(String endpoints, LongSupplier nanoClock) {
        this.endpoints = endpoints;
        this.nanoClock = nanoClock;
        for (String kind : KINDS) {
            counts.put(kind, new AtomicLong());
            lastLogged.put(kind, new AtomicLong(nanoClock.getAsLong() - TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS)));
            unlogged.put(kind, new AtomicLong());
        }
    }

    /** Counts {@code fault}; logs it when its kind was not logged within {@link #LOG_EVERY_MS}. */
    void record(EtcdFault fault) {
        String kind = fault.kind();
        counts.get(kind).incrementAndGet();
        if (fault instanceof EtcdFault.Other other && other.detail().startsWith("OUT_OF_RANGE")) {
            // A compaction that another node already made (or a read below it): an answer about the
            // request, not about etcd's health. Counted, not logged.
            return;
        }
        AtomicLong pending = unlogged.get(kind);
        pending.incrementAndGet();
        AtomicLong last = lastLogged.get(kind);
        long now = nanoClock.getAsLong();
        long previous = last.get();
        if (now - previous >= TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS) && last.compareAndSet(previous, now)) {
            long failed = pending.getAndSet(0);
            LOG.warn("{} ({} calls failed this way in the last {} s; endpoints {}): {}", fault.clientMessage(),
                    failed, LOG_EVERY_MS / 1000, endpoints, fault.advice());
        }
    }

    /**
     * Counts {@code fault} without a log line: for failures whose owner logs them itself (the shared
     * watch stream says when it goes down and when it reopens).
     */
    void countOnly(EtcdFault fault) {
        counts.get(fault.kind()).incrementAndGet();
    }

    /** Calls that failed with {@code kind} since the node started. */
    public long count(String kind) {
        AtomicLong count = counts.get(kind);
        return count == null ? 0 : count.get();
    }
}
