package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a revision of a user's notification key says: a frame for the user's sessions, or a kick. */
class UserNotificationsTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKickOrderNamesOneSessionOrAllOfThem() {
        assertThat(UserNotifications.parse(bytes("!kick 6f6e2206206357d26dd64ad4")))
                .isEqualTo(new UserNotifications.Kick(Optional.of("6f6e2206206357d26dd64ad4")));
        assertThat(UserNotifications.parse(bytes("!kick *"))).isEqualTo(new UserNotifications.Kick(Optional.empty()));
    }

    @Test
    void aKickCoversTheSessionItNamesOrEveryOne() {
        UserNotifications.Kick one = new UserNotifications.Kick(Optional.of("s1"));
        UserNotifications.Kick all = new UserNotifications.Kick(Optional.empty());

        assertThat(one.covers("s1")).isTrue();
        assertThat(one.covers("s2")).isFalse();
        assertThat(all.covers("s2")).isTrue();
    }

    @Test
    void aPushIsAFrameWithTheSessionToSkip() {
        UserNotifications.Notice notice = UserNotifications.parse(bytes("s1\n{\"type\":\"x\"}"));

        assertThat(notice).isInstanceOfSatisfying(UserNotifications.Notification.class, n -> {
            assertThat(n.skipSession()).contains("s1");
            assertThat(new String(n.frame(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"x\"}");
        });
        assertThat(UserNotifications.parse(bytes("\n{\"type\":\"x\"}")))
                .isInstanceOfSatisfying(UserNotifications.Notification.class, n -> assertThat(n.skipSession()).isEmpty());
    }

    @Test
    void anOrderThisNodeDoesNotKnowIsNeverTakenForAFrame() {
        assertThat(UserNotifications.parse(bytes("!mute s1"))).isEqualTo(new UserNotifications.UnknownOrder("!mute s1"));
    }
}
