package dev.gamestate.config;

/** A bad or missing configuration value; the message names the key and says what is wrong. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error about the value at {@code key}. */
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }
}
