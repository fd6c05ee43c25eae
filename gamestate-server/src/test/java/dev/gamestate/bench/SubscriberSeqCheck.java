package dev.gamestate.bench;

/**
 * One subscriber's check of its room's event order. After the subscribe ack's seq the first event
 * may carry any higher seq; from then on each must be the previous one plus one. A jump forward is a
 * gap (counted with the seqs it skipped), a repeat (or a seq not above the ack's) a duplicate, a
 * lower seq out of order. A {@code snapshot} moves the expected seq forward without counting a gap.
 */
final class SubscriberSeqCheck {

    /** The subscribe ack's seq; -1 until it came. */
    private long ackSeq = -1;
    /** The last event's seq; -1 before the first. */
    private long lastSeq = -1;

    /** True once the subscribe ack came. */
    boolean subscribed() {
        return ackSeq >= 0;
    }

    /** The subscribe ack said the room stood at {@code seq}. */
    void subscribed(long seq) {
        ackSeq = Math.max(0, seq);
    }

    /** Checks an event's {@code seq}, counting what is wrong with it into {@code tally}. */
    void event(long seq, NettyLoadTally tally) {
        if (lastSeq < 0) {
            if (seq > ackSeq) {
                lastSeq = seq;
            } else {
                tally.duplicates++;
            }
        } else if (seq == lastSeq + 1) {
            lastSeq = seq;
        } else if (seq > lastSeq) {
            tally.gaps++;
            tally.missing += seq - lastSeq - 1;
            lastSeq = seq;
        } else if (seq == lastSeq) {
            tally.duplicates++;
        } else {
            tally.outOfOrder++;
        }
    }

    /** A snapshot as of {@code seq} replaced the events up to it. */
    void snapshot(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    /** How many seqs up to {@code roomSeq} this subscriber has not seen (0 before its ack). */
    long behind(long roomSeq) {
        return ackSeq < 0 ? 0 : Math.max(0, roomSeq - Math.max(ackSeq, lastSeq));
    }
}
