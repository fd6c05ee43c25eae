package dev.gamestate.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a room's log keys hold its events. A key ({@code stream/rooms/<ns>/<room>/<seq>}) holds either
 * one event frame (a JSON object: the event at {@code seq}) or a run of consecutive events written by
 * one transaction (a JSON array of frames: the events at {@code seq}, {@code seq + 1}, …). A run
 * costs etcd one key, one revision entry and one watch event however many events it holds; a quiet
 * room's single events stay plain frames.
 *
 * <p>A run holds at most {@value #MAX_RUN} events, so the entries from seq {@code n} on are all in
 * keys from {@code n - MAX_RUN + 1} on. Runs are cut wherever the history may later be trimmed (see
 * {@link RoomBatch}), so a trim always deletes whole keys.
 */
public final class LogEntries {

    /** The most events one log key holds. */
    public static final int MAX_RUN = 128;

    private LogEntries() {
    }

    /** The value of a log key holding {@code frames[from..to)}: the frame itself when there is one. */
    static byte[] value(List<byte[]> frames, int from, int to) {
        if (to - from == 1) {
            return frames.get(from);
        }
        int size = 1 + (to - from);
        for (int i = from; i < to; i++) {
            size += frames.get(i).length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (int i = from; i < to; i++) {
            out[at++] = (byte) (i == from ? '[' : ',');
            byte[] frame = frames.get(i);
            System.arraycopy(frame, 0, out, at, frame.length);
            at += frame.length;
        }
        out[at] = ']';
        return out;
    }

    /**
     * The entries a log key starting at {@code firstSeq} holds, in seq order.
     *
     * @throws IllegalArgumentException when the value is neither one frame nor an array of frames
     */
    public static List<RoomLog.Entry> entries(long firstSeq, byte[] value) {
        int start = skipSpace(value, 0);
        if (start < value.length && value[start] == '{') {
            return List.of(new RoomLog.Entry(firstSeq, value));
        }
        if (start >= value.length || value[start] != '[') {
            throw new IllegalArgumentException("a log entry is neither a frame nor an array of frames");
        }
        List<RoomLog.Entry> entries = new ArrayList<>();
        int at = start + 1;
        long seq = firstSeq;
        while (true) {
            at = skipSpace(value, at);
            if (at >= value.length || value[at] != '{') {
                throw new IllegalArgumentException("a log entry's array holds something other than a frame");
            }
            int end = objectEnd(value, at);
            entries.add(new RoomLog.Entry(seq++, Arrays.copyOfRange(value, at, end)));
            at = skipSpace(value, end);
            if (at < value.length && value[at] == ',') {
                at++;
            } else if (at < value.length && value[at] == ']') {
                return entries;
            } else {
                throw new IllegalArgumentException("a log entry's array is not closed");
            }
        }
    }

    /** The index just past the JSON object starting at {@code from} (a '{'). */
    private static int objectEnd(byte[] json, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++; // the escaped byte cannot end the string
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        throw new IllegalArgumentException("a frame in a log entry is cut short");
    }

    private static int skipSpace(byte[] json, int from) {
        int i = from;
        while (i < json.length && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i++;
        }
        return i;
    }
}
