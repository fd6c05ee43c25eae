package dev.gamestate.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Globs over room names: '*' any run, '?' one character, everything else itself. */
class RoomGlobTest {

    @Test
    void aStarFitsAnyRunOfCharactersIncludingNone() {
        RoomGlob glob = RoomGlob.of("match-*");

        assertThat(glob.matches("match-1")).isTrue();
        assertThat(glob.matches("match-")).isTrue();
        assertThat(glob.matches("match-eu.42:a")).isTrue();
        assertThat(glob.matches("match")).isFalse();
        assertThat(glob.matches("lobby")).isFalse();
        assertThat(glob.matches("xmatch-1")).isFalse();
    }

    @Test
    void aQuestionMarkFitsExactlyOneCharacter() {
        RoomGlob glob = RoomGlob.of("table-?");

        assertThat(glob.matches("table-7")).isTrue();
        assertThat(glob.matches("table-")).isFalse();
        assertThat(glob.matches("table-77")).isFalse();
    }

    @Test
    void starsAnywhereBacktrackToFindAFit() {
        assertThat(RoomGlob.of("*-final").matches("cup-semi-final")).isTrue();
        assertThat(RoomGlob.of("*-final").matches("cup-final-2")).isFalse();
        assertThat(RoomGlob.of("a*b*c").matches("aXbYbZc")).isTrue();
        assertThat(RoomGlob.of("a*b*c").matches("aXbYbZ")).isFalse();
        assertThat(RoomGlob.of("**").matches("")).isTrue();
        assertThat(RoomGlob.of("*").matches("anything")).isTrue();
    }

    @Test
    void aPatternWithoutWildcardsFitsOnlyItself() {
        assertThat(RoomGlob.of("lobby").matches("lobby")).isTrue();
        assertThat(RoomGlob.of("lobby").matches("lobby2")).isFalse();
        assertThat(RoomGlob.of("lobby").matches("Lobby")).as("room names are case-sensitive").isFalse();
    }

    @Test
    void onlyRoomNameCharactersAndWildcardsMakeAGlob() {
        assertThat(RoomGlob.parse("match-[0-9]")).isEmpty();
        assertThat(RoomGlob.parse("match/*")).isEmpty();
        assertThat(RoomGlob.parse("match *")).isEmpty();
        assertThat(RoomGlob.parse("")).isEmpty();
        assertThat(RoomGlob.parse(null)).isEmpty();
        assertThat(RoomGlob.parse("x".repeat(RoomGlob.MAX_CHARS + 1))).isEmpty();
        assertThat(RoomGlob.parse("eu.match_1:*-?")).isPresent();
    }
}
