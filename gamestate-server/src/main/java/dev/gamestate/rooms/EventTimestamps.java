package dev.gamestate.rooms;

/**
 * Reads the top-level {@code timestamp} of an encoded event ({@code "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'"},
 * as the codec writes it) straight from its bytes, without a parser or an allocation: fan-out reads it
 * of every room event it delivers, to measure the watch lag.
 *
 * <p>The first {@code "timestamp":"} in the frame is the top-level one: the codec writes it before the
 * payload, and the fields before it are strings, in which a quote is escaped.
 */
final class EventTimestamps {

    private static final byte[] KEY = "\"timestamp\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int LENGTH = "2026-01-01T00:00:00.000Z".length();
    /** How far into a frame the key may start: it follows the type, id, namespace and userId. */
    private static final int SEARCH_LIMIT = 512;

    private EventTimestamps() {
    }

    /** The event's timestamp in milliseconds since the epoch, or -1 when the frame has none this reads. */
    static long epochMillis(byte[] frame) {
        int at = indexOfKey(frame);
        if (at < 0 || at + LENGTH > frame.length) {
            return -1;
        }
        if (frame[at + 4] != '-' || frame[at + 7] != '-' || frame[at + 10] != 'T' || frame[at + 13] != ':'
                || frame[at + 16] != ':' || frame[at + 19] != '.' || frame[at + 23] != 'Z') {
            return -1;
        }
        int year = digits(frame, at, 4);
        int month = digits(frame, at + 5, 2);
        int day = digits(frame, at + 8, 2);
        int hour = digits(frame, at + 11, 2);
        int minute = digits(frame, at + 14, 2);
        int second = digits(frame, at + 17, 2);
        int millis = digits(frame, at + 20, 3);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return -1;
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int indexOfKey(byte[] frame) {
        int last = Math.min(frame.length, SEARCH_LIMIT) - KEY.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < KEY.length; j++) {
                if (frame[i + j] != KEY[j]) {
                    continue outer;
                }
            }
            return i + KEY.length;
        }
        return -1;
    }

    private static int digits(byte[] frame, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = frame[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}
