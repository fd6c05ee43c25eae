package dev.gamestate.testing;

import io.etcd.jetcd.Client;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension running a real etcd cluster for the tests of one class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdExtension ETCD = EtcdExtension.singleMember();
 *
 * @Test
 * void stores(EtcdCluster cluster) {
 *     try (Client client = ETCD.newClient()) { ... }
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the cluster starts before all tests of the class and
 * stops after them. Nested test classes share the enclosing class's cluster. Test methods and
 * constructors may declare an {@link EtcdCluster} parameter to receive it.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final int size;
    private final long quotaBytes;
    private EtcdCluster cluster;
    private int activeContainers;

    private EtcdExtension(int size, long quotaBytes) {
        if (size < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least one member, got " + size);
        }
        this.size = size;
        this.quotaBytes = quotaBytes;
    }

    /** {@return an extension running a one-member etcd} */
    public static EtcdExtension singleMember() {
        return new EtcdExtension(1, 1L << 30);
    }

    /**
     * Creates an extension running one member with a small backend quota, for tests that fill it.
     *
     * @param quotaBytes the member's {@code --quota-backend-bytes}
     * @return an extension running a one-member etcd with that quota
     */
    public static EtcdExtension singleMemberWithQuota(long quotaBytes) {
        return new EtcdExtension(1, quotaBytes);
    }

    /**
     * Creates an extension running a cluster of several members.
     *
     * @param size how many members, at least one
     * @return an extension running an etcd cluster of that size
     */
    public static EtcdExtension members(int size) {
        return new EtcdExtension(size, 1L << 30);
    }

    /** Starts the cluster, unless an enclosing test class already did. */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (activeContainers++ == 0) {
            cluster = EtcdCluster.start(size, quotaBytes);
        }
    }

    /** Stops the cluster once the class that started it is done. */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--activeContainers == 0 && cluster != null) {
            try {
                cluster.close();
            } finally {
                cluster = null;
            }
        }
    }

    /** {@return the running cluster} */
    public synchronized EtcdCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "etcd is not running: register EtcdExtension with @RegisterExtension on a static field");
        }
        return cluster;
    }

    /** {@return the client URLs of all members} */
    public List<String> endpoints() {
        return cluster().endpoints();
    }

    /** {@return the client URLs of all members, comma-separated} */
    public String endpointsCsv() {
        return cluster().endpointsCsv();
    }

    /**
     * Builds a jetcd client on all members' endpoints.
     *
     * @return a new client; the caller closes it
     */
    public Client newClient() {
        return cluster().newClient();
    }

    /** Resolves parameters of type {@link EtcdCluster}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EtcdCluster.class;
    }

    /** {@return the running cluster} */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster();
    }
}
