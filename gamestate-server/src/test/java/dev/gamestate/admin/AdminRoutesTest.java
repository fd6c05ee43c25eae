package dev.gamestate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.transport.HttpEndpoint.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link AdminApi#ROUTES} is what the API routes: each listed call gets past the router, and every
 * other method on the same paths is {@code not_found}. The API runs without services here: a call that
 * gets past the router fails in its body check or on the missing service, never as an unknown call.
 */
class AdminRoutesTest {

    private static final String KEY = "admin-key-for-routes";
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

    private final AdminApi api = new AdminApi(new GameConfig.Admin(List.of(new Secret(KEY))), null, null, null, null,
            WireCodec.create());

    /** What the API answered: the router's not_found, or anything else (routed). */
    private boolean routed(String method, String path) {
        Request request = new Request(method, path, Map.of(), Optional.of("Bearer " + KEY),
                "{}".getBytes(StandardCharsets.UTF_8));
        Throwable failure;
        try {
            api.handle(request).join();
            return true;
        } catch (CompletionException e) {
            failure = e.getCause();
        } catch (RuntimeException e) {
            failure = e; // a missing service, reached synchronously: routed
        }
        return !(failure instanceof GameException g && g.code() == ErrorCode.NOT_FOUND
                && g.getMessage().startsWith("no admin call"));
    }

    private static String sample(String template) {
        return template.replace("{userId}", "alice").replace("{goodId}", "helmet").replace("{namespace}", "private")
                .replace("{room}", "match-1").replace("{sessionId}", "6f6e2206206357d26dd64ad4");
    }

    @Test
    void everyListedCallIsRouted() {
        for (String route : AdminApi.ROUTES) {
            String[] parts = route.split(" ", 2);

            assertThat(routed(parts[0], sample(parts[1]))).as(route).isTrue();
        }
    }

    @Test
    void noOtherMethodOnTheListedPathsIsRouted() {
        for (String route : AdminApi.ROUTES) {
            String path = route.split(" ", 2)[1];
            for (String method : METHODS) {
                if (!AdminApi.ROUTES.contains(method + " " + path)) {
                    assertThat(routed(method, sample(path))).as(method + " " + path).isFalse();
                }
            }
        }
    }

    @Test
    void pathsLongerOrShorterThanAListedCallAreNotRouted() {
        assertThat(routed("POST", AdminApi.PREFIX + "broadcast/x")).isFalse();
        assertThat(routed("GET", AdminApi.PREFIX + "rooms/private")).isFalse();
        assertThat(routed("POST", AdminApi.PREFIX + "wallets/alice/debit")).isFalse();
        assertThat(routed("DELETE", AdminApi.PREFIX + "users/alice")).isFalse();
        assertThat(routed("GET", AdminApi.PREFIX + "nodes")).isFalse();
    }
}
