package dev.gamestate.sessions;

import java.util.List;

/**
 * A user's live sessions, as the admin API answers {@code GET /admin/sessions?user=ID}.
 *
 * @param sessions oldest connection first
 */
public record SessionList(List<SessionView> sessions) {

    /** Keeps its own copy. */
    public SessionList {
        sessions = List.copyOf(sessions);
    }
}
