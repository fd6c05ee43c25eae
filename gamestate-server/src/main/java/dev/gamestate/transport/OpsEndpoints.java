package dev.gamestate.transport;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What operators probe: liveness, readiness and metrics. Plain values, so the router stays a router.
 *
 * @param etcdAnswers true when etcd answers a read and would take a write; fails with the
 *                    {@code unavailable} error saying why not
 * @param draining    true once the node has begun shutting down
 * @param scrape      the Prometheus text exposition
 */
public record OpsEndpoints(Supplier<CompletableFuture<Boolean>> etcdAnswers, BooleanSupplier draining,
                           Supplier<String> scrape) {
}
