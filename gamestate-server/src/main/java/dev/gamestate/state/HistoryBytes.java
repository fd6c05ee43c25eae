package dev.gamestate.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How many bytes one room's history holds, kept in the room's stored record next to its state
 * ({@code "log":[[start,bytes],…]}), so every node that writes the room trims it the same way.
 *
 * <p>The history is cut into consecutive segments of seqs; each knows its first seq and the bytes of
 * its events. A segment is closed once it holds about 1/16 of the byte bound, so a record carries
 * at most ~17 pairs, and the history is trimmed a whole segment at a time, oldest first: it keeps
 * between 15/16 of the bound and the bound. A segment cut short by the count bound
 * ({@code rooms.historySize}) keeps its byte count, which then overstates it: the bytes are an upper
 * bound, never less than what etcd holds. A room stored before this bookkeeping has no segments: its
 * older entries become one segment of 0 bytes, trimmed by count or with the next byte trim.
 *
 * @param segments the segments, oldest first; empty for a room with no history known
 */
public record HistoryBytes(List<Segment> segments) {

    /** Segments per byte bound: the granularity of the trim. */
    static final int SEGMENTS = 16;

    /**
     * One run of consecutive seqs, from {@code start} to the next segment's start (exclusive).
     *
     * @param start its first seq
     * @param bytes the bytes of its events' frames
     */
    public record Segment(long start, long bytes) {
    }

    /** No history known: a room never written, or stored before this bookkeeping. */
    public static final HistoryBytes NONE = new HistoryBytes(List.of());

    /** Copies {@code segments}. */
    public HistoryBytes {
        segments = List.copyOf(segments);
    }

    /** The segments of a stored room ({@code "log"}), or {@link #NONE} when it has none. */
    static HistoryBytes of(JsonNode storedRoom) {
        JsonNode log = storedRoom.path("log");
        if (!log.isArray()) {
            return NONE;
        }
        List<Segment> segments = new ArrayList<>(log.size());
        for (JsonNode pair : log) {
            segments.add(new Segment(pair.path(0).asLong(), pair.path(1).asLong()));
        }
        return new HistoryBytes(segments);
    }

    /** The bytes of every segment together. */
    long total() {
        long total = 0;
        for (Segment s : segments) {
            total += s.bytes();
        }
        return total;
    }

    /**
     * The history after the events {@code seqs[i]} of {@code sizes[i]} bytes were added and it was
     * trimmed to at most {@code historySize} events and, as far as whole segments allow, at most
     * {@code maxBytes}. Never drops the segment holding the first new event: the trim may not reach
     * an entry the same transaction writes (etcd refuses that).
     */
    HistoryBytes append(long firstSeq, long[] sizes, int historySize, long maxBytes) {
        return append(firstSeq, sizes, historySize, firstSeq + sizes.length - historySize, maxBytes);
    }

    /**
     * As {@link #append(long, long[], int, long)}, but the count bound keeps from {@code countFloor}
     * on, which may lie below the exact bound (the room trims its log by count in chunks); the
     * entries kept below the exact bound stay counted, so the bytes remain an upper bound.
     */
    HistoryBytes append(long firstSeq, long[] sizes, int historySize, long countFloor, long maxBytes) {
        long closeAt = Math.max(1, maxBytes / SEGMENTS);
        List<Segment> next = new ArrayList<>(segments.size() + 2);
        next.addAll(segments);
        if (next.isEmpty() && firstSeq > 1) {
            // Entries written before this bookkeeping (or a record without it): one segment of unknown
            // size, so that the floor starts where the count bound left it and not at firstSeq.
            next.add(new Segment(Math.max(1, firstSeq - historySize), 0));
        }
        long seq = firstSeq;
        for (long size : sizes) {
            Segment last = next.isEmpty() ? null : next.getLast();
            if (opens(last == null ? 0 : last.bytes(), size, closeAt)) {
                next.add(new Segment(seq, size));
            } else {
                next.set(next.size() - 1, new Segment(last.start(), last.bytes() + size));
            }
            seq++;
        }
        long total = new HistoryBytes(next).total();
        while (next.size() > 1 && next.get(1).start() <= firstSeq
                && (next.get(1).start() <= countFloor || total > maxBytes)) {
            total -= next.removeFirst().bytes();
        }
        return new HistoryBytes(next);
    }

    /**
     * Whether an event of {@code size} bytes opens a new segment after one holding {@code lastBytes}
     * (0: no segment, or one of unknown size), segments closing at {@code closeAt} bytes.
     */
    private static boolean opens(long lastBytes, long size, long closeAt) {
        return lastBytes == 0 || lastBytes + size > closeAt;
    }

    /**
     * Tells, event by event, where {@link #append} would open segments, so a writer can start a new
     * log key there: a byte trim only ever cuts the history at a segment's start.
     */
    Cuts cuts(long maxBytes) {
        return new Cuts(segments.isEmpty() ? 0 : segments.getLast().bytes(), Math.max(1, maxBytes / SEGMENTS));
    }

    /** Follows the segments an append opens, one event at a time (see {@link #cuts}). */
    static final class Cuts {

        private long lastBytes;
        private final long closeAt;

        private Cuts(long lastBytes, long closeAt) {
            this.lastBytes = lastBytes;
            this.closeAt = closeAt;
        }

        /** Whether the next event, of {@code size} bytes, opens a segment. */
        boolean opens(long size) {
            return HistoryBytes.opens(lastBytes, size, closeAt);
        }

        /** Counts the next event, of {@code size} bytes. */
        void add(long size) {
            lastBytes = opens(size) ? size : lastBytes + size;
        }
    }

    /** The first seq this history keeps, given the first one the count bound keeps. */
    long floor(long countFloor) {
        return segments.isEmpty() ? countFloor : Math.max(countFloor, segments.getFirst().start());
    }

    /** The segments as the stored record's {@code "log"} value: {@code [[start,bytes],…]}. */
    String json() {
        StringBuilder out = new StringBuilder(segments.size() * 16 + 2).append('[');
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            out.append(i == 0 ? "" : ",").append('[').append(s.start()).append(',').append(s.bytes()).append(']');
        }
        return out.append(']').toString();
    }
}
