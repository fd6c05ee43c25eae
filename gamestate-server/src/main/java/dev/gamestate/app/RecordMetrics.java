package dev.gamestate.app;

import dev.gamestate.state.NodeRecords;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of a batched record writer, tagged {@code writer=<name>}: transactions sent and failed, ops
 * sent (ops / txns is the mean batch size), the largest batch, and the waiting queue with its bound.
 */
final class RecordMetrics {

    private RecordMetrics() {
    }

    /** Registers the meters of {@code records} in {@code registry}. */
    static void bind(NodeRecords records, MeterRegistry registry) {
        String writer = records.name();
        FunctionCounter.builder("gamestate.etcd.txns", records, NodeRecords::txns).tag("writer", writer)
                .description("etcd transactions sent by a batched record writer").register(registry);
        FunctionCounter.builder("gamestate.etcd.txns.failed", records, NodeRecords::failedTxns).tag("writer", writer)
                .description("of those, transactions that failed and were retried").register(registry);
        FunctionCounter.builder("gamestate.etcd.batch.ops", records, NodeRecords::ops).tag("writer", writer)
                .description("ops sent in those transactions; divided by txns, the mean batch size")
                .register(registry);
        FunctionCounter.builder("gamestate.etcd.batch.refused", records, NodeRecords::refused).tag("writer", writer)
                .description("writes refused because the writer's queue was full").register(registry);
        Gauge.builder("gamestate.etcd.batch.largest", records, NodeRecords::largestBatch).tag("writer", writer)
                .description("the most ops one transaction carried").register(registry);
        Gauge.builder("gamestate.etcd.batch.queued", records, NodeRecords::queued).tag("writer", writer)
                .description("keys waiting for the next transaction").register(registry);
        Gauge.builder("gamestate.etcd.batch.queue.bound", records, NodeRecords::bound).tag("writer", writer)
                .description("the most keys that may wait").register(registry);
    }
}
