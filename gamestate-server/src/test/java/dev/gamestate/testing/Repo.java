package dev.gamestate.testing;

import java.nio.file.Path;

/**
 * Files of the repository outside this module (docs, deploy files, the launcher). Tests run in the
 * module's directory; Maven passes the repository's root as {@code gamestate.repo.root}.
 */
public final class Repo {

    private static final Path ROOT = Path.of(System.getProperty("gamestate.repo.root", "..")).toAbsolutePath().normalize();

    private Repo() {
    }

    /** The repository's root directory. */
    public static Path root() {
        return ROOT;
    }

    /** {@code relative} resolved against the repository's root. */
    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }
}
