package dev.gamestate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rule for user ids, and the one for currency codes. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "a", "guest-0123456789abcdef", "alice@example.com", "auth0|5f7c8ec",
            "tenant/user%1", "Ömer", "игрок", "玩家", "🎮player", "user:42"})
    void printableIdsOfAnyScriptAreUserIds(String id) {
        assertThat(Names.isValidUserId(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice\u200b", "\u200balice", "ali\u200dce", "bob\u202e", "bob\u2066x\u2069",
            "bob\u200e", "\ufeffbob", "bob\nx", "bob\r", "bob\tx", "bob\u0000", "bob\u007f", "bob\u0085",
            "bob x", " bob", "bob\u00a0", "bob\u3000", "bob\u2028", "bob\u2029", "bob\ue000", "bob\ud800",
            "bob\udfff", "bob\u0378"})
    void invisibleBidirectionalControlAndSpaceCharactersAreNot(String id) {
        assertThat(Names.isValidUserId(id)).as("%s", id.codePoints().mapToObj(Integer::toHexString).toList())
                .isFalse();
    }

    @Test
    void theLimitIs128CharactersCountedAsCodePoints() {
        assertThat(Names.isValidUserId("a".repeat(128))).isTrue();
        assertThat(Names.isValidUserId("a".repeat(129))).isFalse();
        assertThat(Names.isValidUserId("🎮".repeat(128))).as("256 UTF-16 units, 128 characters").isTrue();
        assertThat(Names.isValidUserId("🎮".repeat(129))).isFalse();
        assertThat(Names.isValidUserId(null)).isFalse();
    }

    @Test
    void aBadIdIsAnInvalidPayloadNamingTheFieldAndTheRule() {
        assertThatThrownBy(() -> Names.requireUserId("to", "bob\n"))
                .isInstanceOfSatisfying(GameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                    assertThat(e.getMessage()).startsWith("to must be a user id: 1 to 128 characters");
                });
        assertThat(Names.requireUserId("to", "bob")).isEqualTo("bob");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gold", "g", "gems_2", "a2345678901234567890123456789012"})
    void lowercaseCodesOfUpTo32CharactersAreCurrencies(String code) {
        assertThat(Names.isCurrency(code)).isTrue();
        assertThat(Names.requireCurrency("currency", code)).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Gold", "2gold", "_gold", "go-ld", "gold ", "a23456789012345678901234567890123"})
    void anythingElseIsNoCurrencyAndAnInvalidPayloadNamingTheField(String code) {
        assertThat(Names.isCurrency(code)).isFalse();
        assertThatThrownBy(() -> Names.requireCurrency("currency", code))
                .isInstanceOfSatisfying(GameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                    assertThat(e.getMessage()).isEqualTo("currency must match " + Names.currencyRule());
                });
    }
}
