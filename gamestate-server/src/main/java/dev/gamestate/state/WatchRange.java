package dev.gamestate.state;

import com.google.protobuf.ByteString;
import java.util.Arrays;

/** The keys one watch covers, [{@code key}, {@code end}), as etcd's watch create request takes them. */
record WatchRange(ByteString key, ByteString end) {

    /** [{@code key}, {@code end}); an empty {@code end} means {@code key} alone. */
    static WatchRange of(String key, String end) {
        ByteString from = ByteString.copyFromUtf8(key);
        ByteString to = ByteString.copyFromUtf8(end);
        if (!to.isEmpty() && ByteString.unsignedLexicographicalComparator().compare(from, to) >= 0) {
            throw new IllegalArgumentException("empty watch range [" + key + ", " + end + ")");
        }
        return new WatchRange(from, to);
    }

    /** Every key starting with {@code prefix}. */
    static WatchRange prefix(String prefix) {
        ByteString from = ByteString.copyFromUtf8(prefix);
        return new WatchRange(from, prefixEnd(from));
    }

    /** The smallest key above every key starting with {@code prefix}; "\0" (all keys) when there is none. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(Arrays.copyOf(end, i + 1));
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }

    @Override
    public String toString() {
        return "[" + key.toStringUtf8() + ", " + end.toStringUtf8() + ")";
    }
}
