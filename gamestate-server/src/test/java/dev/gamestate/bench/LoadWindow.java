package dev.gamestate.bench;

/** The measured part of a load run, in {@link System#nanoTime} values; nothing is measured until it is set. */
final class LoadWindow {

    private volatile long from = Long.MAX_VALUE;
    private volatile long until = Long.MAX_VALUE;

    /** Measures requests sent from {@code from} (inclusive) to {@code until} (exclusive). */
    void set(long from, long until) {
        this.until = until;
        this.from = from;
    }

    /** True when a request sent at {@code sentAt} counts. */
    boolean measures(long sentAt) {
        return sentAt >= from && sentAt < until;
    }
}
