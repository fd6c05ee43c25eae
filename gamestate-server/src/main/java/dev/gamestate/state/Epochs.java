package dev.gamestate.state;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A room stream's epoch: a random id fixed by the stream's first write. A stream deleted and written
 * again, or an etcd restored from a backup taken before the stream began, has another epoch, so a
 * client resuming with a seq of the old one is told its seq means nothing here.
 */
public final class Epochs {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    /** A new epoch: 96 random bits, URL-safe base64 (16 characters). */
    public static String next() {
        byte[] bits = new byte[12];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
