package dev.gamestate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenTest {

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "bearer abc", "BEARER abc", "Bearer   abc  "})
    void theSchemeIsReadInAnyCaseAndTheTokenStripped(String header) {
        assertThat(BearerToken.of(header, "jwt")).isEqualTo("abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic YWxpY2U6c2VjcmV0", "abc", "Bearer", "Bearerabc", ""})
    void anotherSchemeIsUnauthorizedNamingWhatWasExpected(String header) {
        assertThatThrownBy(() -> BearerToken.of(header, "admin key"))
                .isInstanceOfSatisfying(GameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.getMessage()).isEqualTo("Authorization must be 'Bearer <admin key>'");
                });
    }
}
