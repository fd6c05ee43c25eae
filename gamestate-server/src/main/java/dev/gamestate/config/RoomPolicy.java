package dev.gamestate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What clients may do in the rooms whose name fits {@code match}: one entry of {@code rooms.policies}.
 * The first entry that fits a room applies to it; a room no entry fits gets {@link #DEFAULT}. The admin
 * API is never held to a policy.
 *
 * @param match     the rooms it applies to
 * @param subscribe who may subscribe
 * @param broadcast who may publish into the room's stream (broadcasts and room messages)
 * @param patch     which part of the room's state a client's broadcast may change
 * @param presence  whether the room reports who is in it
 */
public record RoomPolicy(RoomGlob match, Subscribe subscribe, Broadcast broadcast, Patch patch, boolean presence) {

    /** Today's behaviour, for every room: anyone subscribes, publishes and patches; presence on. */
    public static final RoomPolicy DEFAULT = new RoomPolicy(RoomGlob.of("*"), Subscribe.OPEN, Broadcast.OPEN,
            Patch.ANY, true);

    private static final String KEY = "rooms.policies";

    /** Who may subscribe to a room. */
    public enum Subscribe {
        /** Anyone in the namespace. */
        OPEN,
        /** Only a player whose token's {@code rooms} claim names the room; never a guest. */
        CLAIM
    }

    /** Who may publish into a room's stream. */
    public enum Broadcast {
        /** Any subscriber (within the namespace's {@code allowBroadcast}). */
        OPEN,
        /** Nobody but the admin API. */
        NONE
    }

    /** Which part of a room's state a client's broadcast may change. */
    public enum Patch {
        /** Any key. */
        ANY,
        /** Only {@code players.<the sender's userId>}. */
        OWN,
        /** None: the state changes only through the admin API (a server-authoritative room). */
        NONE
    }

    /** Refuses a missing part. */
    public RoomPolicy {
        Check.present(KEY + ".match", match);
        Check.present(KEY + ".subscribe", subscribe);
        Check.present(KEY + ".broadcast", broadcast);
        Check.present(KEY + ".patch", patch);
    }

    /**
     * One entry as a file or variable writes it; only {@code match} is required, the rest default to
     * {@link #DEFAULT}'s. Each value is checked here, so a bad one names its key and index.
     */
    @JsonCreator
    static RoomPolicy bind(@JsonProperty("match") String match, @JsonProperty("subscribe") String subscribe,
                           @JsonProperty("broadcast") String broadcast, @JsonProperty("patch") String patch,
                           @JsonProperty("presence") Boolean presence) {
        Check.present(KEY + ".match", match);
        RoomGlob glob = RoomGlob.parse(match).orElseThrow(() -> new ConfigException(KEY + ".match",
                "a glob is " + RoomGlob.rule() + ", got '" + match + "'"));
        return new RoomPolicy(glob,
                mode("subscribe", subscribe, Subscribe.class, DEFAULT.subscribe),
                mode("broadcast", broadcast, Broadcast.class, DEFAULT.broadcast),
                mode("patch", patch, Patch.class, DEFAULT.patch),
                presence == null ? DEFAULT.presence : presence);
    }

    /** True when this entry applies to {@code room}. */
    public boolean matches(String room) {
        return match.matches(room);
    }

    private static <E extends Enum<E>> E mode(String name, String text, Class<E> type, E absent) {
        if (text == null) {
            return absent;
        }
        for (E constant : type.getEnumConstants()) {
            if (wire(constant).equals(text)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(RoomPolicy::wire)
                .collect(Collectors.joining(", "));
        throw new ConfigException(KEY + "." + name, "expected one of " + allowed + ", got '" + text + "'");
    }

    /** A mode as configuration writes it: {@code open}, {@code claim}, {@code own}, … */
    public static String wire(Enum<?> mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
