package dev.gamestate.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The JVM's and Netty's own meters: memory, GC, threads, class loading, CPU, uptime, open files, and
 * the buffer allocators' memory ({@code netty_allocator_*}).
 */
final class SystemMetrics {

    private SystemMetrics() {
    }

    /**
     * Binds them to {@code registry}. {@link JvmGcMetrics} listens to GC notifications until closed:
     * the caller closes what this returns after the registry is no longer scraped.
     */
    static AutoCloseable bind(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // The sockets' buffers come from the default allocator (adaptive since Netty 4.2); gRPC's
        // channels to etcd take theirs from the pooled one. Tagged allocator.type, so both show.
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider sockets) {
            new NettyAllocatorMetrics(sockets).bindTo(registry);
        }
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        }
        return gc;
    }
}
