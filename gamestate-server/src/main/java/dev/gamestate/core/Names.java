package dev.gamestate.core;

import java.util.regex.Pattern;

/** The naming rules of the contract: room and good ids, request ids, user ids, currency codes. */
public final class Names {

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$");
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
    private static final Pattern CURRENCY = Pattern.compile("^[a-z][a-z0-9_]{0,31}$");

    /** The longest user id, in characters (code points). */
    public static final int MAX_USER_ID_CHARS = 128;
    /** What {@link #requireUserId} says is wrong. */
    static final String USER_ID_RULE = "1 to " + MAX_USER_ID_CHARS
            + " characters, none of them a space, control, invisible (format) or bidirectional character";

    private Names() {
    }

    /**
     * True when {@code userId} may name a user: 1 to {@link #MAX_USER_ID_CHARS} code points, none of
     * them a control character (Cc: newlines, tabs), a format character (Cf: zero-width spaces and
     * joiners, the bidirectional marks, embeddings, overrides and isolates, the BOM), a separator (Zs,
     * Zl, Zp: spaces), a lone surrogate, a private-use or an unassigned code point. So two ids that
     * print alike are the same id, and every id fits one etcd key segment ('/' and '%' are
     * percent-encoded by the key layout). The one rule for ids from tokens, messages and the admin API.
     */
    public static boolean isValidUserId(String userId) {
        if (userId == null || userId.isEmpty()) {
            return false;
        }
        int count = 0;
        for (int i = 0; i < userId.length(); ) {
            int cp = userId.codePointAt(i);
            if (++count > MAX_USER_ID_CHARS || !allowedInUserId(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean allowedInUserId(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    /** Throws {@code invalid_payload} unless {@code value} is a valid user id ({@link #isValidUserId}). */
    public static String requireUserId(String field, String value) {
        if (!isValidUserId(value)) {
            throw GameException.invalid(field + " must be a user id: " + USER_ID_RULE);
        }
        return value;
    }

    /** Why {@code value} is not a user id, for messages that are not {@code invalid_payload}. */
    public static String userIdRule() {
        return USER_ID_RULE;
    }

    /**
     * True when {@code currency} is a currency code: a lowercase ASCII letter, then up to 31 lowercase
     * letters, digits or underscores ({@code gold}, {@code gems_2}). The one rule for the configuration,
     * the catalog and the admin API.
     */
    public static boolean isCurrency(String currency) {
        return currency != null && CURRENCY.matcher(currency).matches();
    }

    /** Throws {@code invalid_payload} unless {@code value} is a currency code ({@link #isCurrency}). */
    public static String requireCurrency(String field, String value) {
        if (!isCurrency(value)) {
            throw GameException.invalid(field + " must match " + CURRENCY.pattern());
        }
        return value;
    }

    /** The currency rule as a pattern, for messages that are not {@code invalid_payload}. */
    public static String currencyRule() {
        return CURRENCY.pattern();
    }

    /** True when {@code name} is a valid room or good id. */
    public static boolean isValidId(String name) {
        return name != null && ID.matcher(name).matches();
    }

    /** True when {@code requestId} is a valid idempotency key. */
    public static boolean isValidRequestId(String requestId) {
        return requestId != null && REQUEST_ID.matcher(requestId).matches();
    }

    /** Throws {@code invalid_payload} unless {@code value} is a valid room or good id. */
    public static String requireId(String field, String value) {
        if (!isValidId(value)) {
            throw GameException.invalid(field + " must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$");
        }
        return value;
    }

    /** Throws {@code invalid_payload} unless {@code value} is a valid request id. */
    public static String requireRequestId(String field, String value) {
        if (!isValidRequestId(value)) {
            throw GameException.invalid(field + " must match ^[A-Za-z0-9_.:-]{1,64}$");
        }
        return value;
    }
}
