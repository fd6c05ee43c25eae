package dev.gamestate.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (nodes, clients), closed newest first. */
public final class Closer implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Keeps {@code closeable} to close with the others; returns it. */
    public <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
