package dev.gamestate.config;

/** A bad or missing configuration value; the message names the key and says what is wrong. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    /** An error about the value at {@code key}. */
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** The dotted key path, e.g. {@code server.port}. */
    public String key() {
        return key;
    }

    /** What is wrong with the value, without the key. */
    public String problem() {
        return problem;
    }
}
