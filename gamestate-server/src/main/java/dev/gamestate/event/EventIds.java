package dev.gamestate.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event and message ids that sort by time: 13 digits of epoch millis, a random tag of this process
 * and a counter, e.g. {@code 1764072000123-9f1c04aa-00002a}. Ids made by one process sort in the
 * order they were made (within a millisecond the counter decides); ids of different processes are
 * distinct because their tags differ.
 */
public final class EventIds {

    private static final int COUNTER_MASK = 0xFFFFFF;

    private final Clock clock;
    private final String tag;
    private final AtomicLong counter = new AtomicLong();

    /** Ids stamped with {@code clock}'s time. */
    public EventIds(Clock clock) {
        this.clock = clock;
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.tag = HexFormat.of().formatHex(random);
    }

    /** A new id. */
    public String next() {
        long n = counter.getAndIncrement() & COUNTER_MASK;
        // By hand rather than String.format: this runs once per event, on the request path.
        StringBuilder id = new StringBuilder(30);
        padded(id, Long.toString(clock.millis()), 13);
        id.append('-').append(tag).append('-');
        padded(id, Long.toHexString(n), 6);
        return id.toString();
    }

    private static void padded(StringBuilder into, String digits, int width) {
        for (int i = digits.length(); i < width; i++) {
            into.append('0');
        }
        into.append(digits);
    }
}
