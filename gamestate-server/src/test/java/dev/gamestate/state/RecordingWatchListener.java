package dev.gamestate.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what one watch delivers: its keys in order, how it ended, and the threads it ran on. */
final class RecordingWatchListener implements WatchListener {

    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<WatchEnd> ends = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onPuts(List<WatchedPut> puts) {
        threads.add(Thread.currentThread().getName());
        puts.forEach(put -> keys.add(put.key()));
    }

    @Override
    public void onEnd(WatchEnd end) {
        threads.add(Thread.currentThread().getName());
        ends.add(end);
    }
}
