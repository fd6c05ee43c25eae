package dev.gamestate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rooms.policies}: read from a file or one variable, defaulted per entry, refused with the key and index. */
class RoomPoliciesConfigTest {

    @TempDir
    Path dir;

    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_ETCD_ENDPOINTS", "http://127.0.0.1:2379");
        env.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", "jwt-secret-0123456789-0123456789-0123456789");
        env.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "guest-secret-0123456789-0123456789-012345678");
        return env;
    }

    private static List<RoomPolicy> fromEnv(String policies) {
        Map<String, String> env = required();
        env.put("GAMESTATE_ROOMS_POLICIES", policies);
        return ConfigSource.load(Optional.empty(), env).bind().rooms().policies();
    }

    private List<RoomPolicy> fromFile(String yaml) throws IOException {
        Path file = dir.resolve("gamestate.yaml");
        Files.writeString(file, yaml);
        return ConfigSource.load(Optional.of(file), required()).bind().rooms().policies();
    }

    private static void assertRefused(String policies, String message) {
        assertThatThrownBy(() -> fromEnv(policies)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void byDefaultThereAreNoPoliciesSoEveryRoomKeepsTodaysRules() {
        assertThat(ConfigSource.load(Optional.empty(), required()).bind().rooms().policies()).isEmpty();
        assertThat(RoomPolicy.DEFAULT).isEqualTo(new RoomPolicy(RoomGlob.of("*"), RoomPolicy.Subscribe.OPEN,
                RoomPolicy.Broadcast.OPEN, RoomPolicy.Patch.ANY, true));
    }

    @Test
    void aFileListsPoliciesInOrderAndWhatAnEntryLeavesOutIsTheDefault() throws IOException {
        List<RoomPolicy> policies = fromFile("""
                rooms:
                  policies:
                    - match: "match-*"
                      subscribe: claim
                      patch: own
                    - match: "arena-?"
                      broadcast: none
                      patch: none
                      presence: false
                """);

        assertThat(policies).containsExactly(
                new RoomPolicy(RoomGlob.of("match-*"), RoomPolicy.Subscribe.CLAIM, RoomPolicy.Broadcast.OPEN,
                        RoomPolicy.Patch.OWN, true),
                new RoomPolicy(RoomGlob.of("arena-?"), RoomPolicy.Subscribe.OPEN, RoomPolicy.Broadcast.NONE,
                        RoomPolicy.Patch.NONE, false));
    }

    @Test
    void oneVariableHoldsTheWholeListAsYamlOrJsonFlowText() {
        assertThat(fromEnv("[{match: \"match-*\", subscribe: claim}, {match: lobby, presence: false}]"))
                .extracting(p -> p.match().pattern(), RoomPolicy::subscribe, RoomPolicy::presence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("match-*", RoomPolicy.Subscribe.CLAIM, true),
                        org.assertj.core.groups.Tuple.tuple("lobby", RoomPolicy.Subscribe.OPEN, false));
        assertThat(fromEnv("[{\"match\":\"ops-*\",\"broadcast\":\"none\",\"patch\":\"none\"}]"))
                .singleElement().satisfies(p -> {
                    assertThat(p.broadcast()).isEqualTo(RoomPolicy.Broadcast.NONE);
                    assertThat(p.patch()).isEqualTo(RoomPolicy.Patch.NONE);
                });
        assertThat(fromEnv("")).as("set to nothing: no policies").isEmpty();
    }

    @Test
    void aBadGlobIsRefusedNamingItsIndexAndWhatAGlobMayHold() {
        assertRefused("[{match: lobby}, {match: \"match-[0-9]\"}]",
                "rooms.policies.1.match: a glob is 1 to 128 room-name characters ([A-Za-z0-9_.:-]), * (any run of them)"
                        + " and ? (one), got 'match-[0-9]'");
    }

    @Test
    void anUnknownModeIsRefusedListingTheModesThereAre() {
        assertRefused("[{match: \"*\", subscribe: invite}]",
                "rooms.policies.0.subscribe: expected one of open, claim, got 'invite'");
        assertRefused("[{match: \"*\", broadcast: admins}]",
                "rooms.policies.0.broadcast: expected one of open, none, got 'admins'");
        assertRefused("[{match: \"*\", patch: mine}]",
                "rooms.policies.0.patch: expected one of any, own, none, got 'mine'");
        assertRefused("[{match: \"*\", patch: OWN}]", "rooms.policies.0.patch: expected one of any, own, none, got 'OWN'");
    }

    @Test
    void anEntryWithoutMatchAnUnknownKeyOrABadPresenceIsRefused() {
        assertRefused("[{subscribe: claim}]", "rooms.policies.0.match: is missing");
        assertRefused("[{match: \"*\", publish: none}]", "rooms.policies.0.publish: unknown key");
        assertRefused("[{match: \"*\", presence: maybe}]", "rooms.policies.0.presence: expected true or false, got 'maybe'");
        assertRefused("match-*", "rooms.policies: expected a list, got 'match-*'");
    }
}
