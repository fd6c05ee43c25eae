package dev.gamestate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WalletTest {

    private static final Wallet OPENING = Wallet.opening(Map.of("gold", 1000L));

    @Test
    void anOpeningWalletHoldsTheStartingBalanceAndConservesMoney() {
        assertThat(OPENING.balanceOf("gold")).isEqualTo(1000);
        assertThat(OPENING.balanceOf("gems")).isZero();
        assertThat(OPENING.inventory()).isEmpty();
        assertThat(OPENING.conservesMoney()).isTrue();
    }

    @Test
    void buyingMovesMoneyFromBalanceToSpentAndAddsToTheInventory() {
        Wallet after = OPENING.buy("sword", 2, "gold", 200).buy("sword", 1, "gold", 100);
        assertThat(after.balance()).isEqualTo(Map.of("gold", 700L));
        assertThat(after.spent()).isEqualTo(Map.of("gold", 300L));
        assertThat(after.owned("sword")).isEqualTo(3);
        assertThat(after.conservesMoney()).isTrue();
        assertThat(OPENING.balanceOf("gold")).as("wallets never change in place").isEqualTo(1000);
    }

    @Test
    void buyingForMoreThanTheBalanceIsInsufficientFunds() {
        GameException e = catchThrowableOfType(GameException.class, () -> OPENING.buy("castle", 1, "gold", 1001));
        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(OPENING.buy("castle", 1, "gold", 1000).balanceOf("gold")).isZero();
    }

    @Test
    void creditsAddToBalanceAndCreditedInAnyCurrency() {
        Wallet after = OPENING.credit("gems", 5).credit("gold", 10);
        assertThat(after.balance()).isEqualTo(Map.of("gold", 1010L, "gems", 5L));
        assertThat(after.credited()).isEqualTo(Map.of("gold", 10L, "gems", 5L));
        assertThat(after.conservesMoney()).isTrue();
    }

    @Test
    void aBalanceThatWouldOverflowIsLimitExceeded() {
        Wallet rich = OPENING.credit("gold", Long.MAX_VALUE - 1000);
        GameException e = catchThrowableOfType(GameException.class, () -> rich.credit("gold", 1));
        assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    }

    @Test
    void mapsAreSortedAndCannotBeChanged() {
        Wallet w = OPENING.credit("amber", 1);
        assertThat(w.balance().keySet()).containsExactly("amber", "gold");
        assertThat(catchThrowableOfType(UnsupportedOperationException.class, () -> w.balance().put("x", 1L)))
                .isNotNull();
    }

    @Test
    void rulesCheckStockThenLimitThenMoney() {
        CatalogEntry sword = new CatalogEntry("sword", "Sword", 400, "gold", OptionalInt.of(2));
        assertThat(code(() -> PurchaseRules.check(sword, 3, OPENING, OptionalLong.of(2))))
                .isEqualTo(ErrorCode.OUT_OF_STOCK);
        assertThat(code(() -> PurchaseRules.check(sword, 3, OPENING, OptionalLong.of(5))))
                .isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(code(() -> PurchaseRules.check(sword, 2, OPENING.buy("x", 1, "gold", 500), OptionalLong.empty())))
                .isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(PurchaseRules.check(sword, 2, OPENING, OptionalLong.of(2)).owned("sword")).isEqualTo(2);
    }

    @Test
    void aTotalPriceThatOverflowsIsInvalidPayload() {
        CatalogEntry moon = new CatalogEntry("moon", "Moon", Long.MAX_VALUE / 4, "gold", OptionalInt.empty());
        assertThat(code(() -> PurchaseRules.check(moon, 5, OPENING, OptionalLong.empty())))
                .isEqualTo(ErrorCode.INVALID_PAYLOAD);
    }

    @Test
    void aFreeGoodCostsNothing() {
        CatalogEntry gift = new CatalogEntry("gift", "Gift", 0, "gold", OptionalInt.empty());
        Wallet after = PurchaseRules.check(gift, 3, OPENING, OptionalLong.empty());
        assertThat(after.balanceOf("gold")).isEqualTo(1000);
        assertThat(after.owned("gift")).isEqualTo(3);
    }

    private static ErrorCode code(Runnable action) {
        return catchThrowableOfType(GameException.class, action::run).code();
    }
}
