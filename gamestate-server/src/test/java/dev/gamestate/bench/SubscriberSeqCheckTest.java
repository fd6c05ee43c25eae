package dev.gamestate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubscriberSeqCheckTest {

    private final NettyLoadTally tally = new NettyLoadTally();
    private final SubscriberSeqCheck check = new SubscriberSeqCheck();

    private void events(long... seqs) {
        for (long seq : seqs) {
            check.event(seq, tally);
        }
    }

    @Test
    void consecutiveSeqsAfterTheAckAreClean() {
        check.subscribed(4);
        events(5, 6, 7);
        assertThat(tally.gaps + tally.duplicates + tally.outOfOrder).isZero();
        assertThat(check.behind(7)).isZero();
        assertThat(check.behind(9)).isEqualTo(2);
    }

    @Test
    void theFirstEventMayCarryAnySeqAboveTheAck() {
        check.subscribed(4);
        events(9, 10);
        assertThat(tally.gaps).isZero();
        assertThat(tally.duplicates).isZero();
    }

    @Test
    void aSeqNotAboveTheAckIsADuplicate() {
        check.subscribed(4);
        events(4);
        assertThat(tally.duplicates).isEqualTo(1);
    }

    @Test
    void aJumpIsAGapCountedWithTheSeqsItSkipped() {
        check.subscribed(0);
        events(1, 2, 5, 6);
        assertThat(tally.gaps).isEqualTo(1);
        assertThat(tally.missing).isEqualTo(2);
    }

    @Test
    void aRepeatIsADuplicateAndALowerSeqIsOutOfOrder() {
        check.subscribed(0);
        events(1, 2, 2, 1, 3);
        assertThat(tally.duplicates).isEqualTo(1);
        assertThat(tally.outOfOrder).isEqualTo(1);
        assertThat(tally.gaps).isZero();
    }

    @Test
    void aSnapshotMovesTheExpectedSeqForwardWithoutAGap() {
        check.subscribed(0);
        events(1, 2);
        check.snapshot(10);
        events(11);
        assertThat(tally.gaps).isZero();
        assertThat(check.behind(11)).isZero();
    }

    @Test
    void beforeItsAckASubscriberIsNeverBehind() {
        assertThat(check.subscribed()).isFalse();
        assertThat(check.behind(100)).isZero();
    }
}
