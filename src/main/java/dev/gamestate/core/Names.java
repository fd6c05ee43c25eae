package dev.gamestate.core;

import java.util.regex.Pattern;

/** The naming rules of the contract: room and good ids, request ids, client frame ids. */
public final class Names {

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$");
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");

    private Names() {
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
