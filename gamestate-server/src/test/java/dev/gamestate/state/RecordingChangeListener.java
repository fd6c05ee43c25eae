package dev.gamestate.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what one watch of changes delivers: its puts and deletes in order, and how it ended. */
final class RecordingChangeListener implements ChangeListener {

    final List<WatchedChange> changes = new CopyOnWriteArrayList<>();
    final List<WatchEnd> ends = new CopyOnWriteArrayList<>();

    @Override
    public void onChanges(List<WatchedChange> delivered) {
        changes.addAll(delivered);
    }

    @Override
    public void onEnd(WatchEnd end) {
        ends.add(end);
    }
}
