package dev.gamestate.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pattern over room names: {@code *} stands for any run of characters (also none), {@code ?} for
 * exactly one, every other character for itself. {@code match-*} fits {@code match-1} and
 * {@code match-} but not {@code lobby}. Only room-name characters ({@code [A-Za-z0-9_.:-]}) and the two
 * wildcards may appear, so a glob that no room could ever fit is refused when it is read.
 */
public final class RoomGlob {

    /** Longer globs are refused: a room name has at most 64 characters. */
    static final int MAX_CHARS = 128;
    private static final Pattern SYNTAX = Pattern.compile("^[A-Za-z0-9_.:*?-]{1," + MAX_CHARS + "}$");

    private final String pattern;

    private RoomGlob(String pattern) {
        this.pattern = pattern;
    }

    /** The glob written as {@code pattern}, or empty when it is not one (see the class comment). */
    public static Optional<RoomGlob> parse(String pattern) {
        return pattern != null && SYNTAX.matcher(pattern).matches() ? Optional.of(new RoomGlob(pattern))
                : Optional.empty();
    }

    /**
     * The glob written as {@code pattern}.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static RoomGlob of(String pattern) {
        return parse(pattern).orElseThrow(() -> new IllegalArgumentException("not a room glob: " + pattern));
    }

    /** What a glob may hold, for error messages. */
    static String rule() {
        return "1 to " + MAX_CHARS + " room-name characters ([A-Za-z0-9_.:-]), * (any run of them) and ? (one)";
    }

    /**
     * True when {@code room} fits the whole pattern. Linear in practice: on a mismatch after a
     * {@code *}, the star takes one more character and the rest is tried again from there.
     */
    public boolean matches(String room) {
        int p = 0;
        int r = 0;
        int star = -1; // the pattern index after the last '*' seen
        int starRoom = 0; // where in the room that '*' stopped taking characters
        while (r < room.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == room.charAt(r))) {
                p++;
                r++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = ++p;
                starRoom = r;
            } else if (star >= 0) {
                p = star;
                r = ++starRoom;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoomGlob glob && glob.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
