package dev.gamestate.testing;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A cluster of real etcd member processes on loopback ports, in a temporary directory.
 *
 * <pre>{@code
 * try (EtcdCluster cluster = EtcdCluster.start(3);
 *      Client client = cluster.newClient()) {
 *     cluster.member(0).kill();
 *     // the other two keep a quorum
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

    /** Start attempts when a freshly chosen port was taken by someone else in the meantime. */
    private static final int START_ATTEMPTS = 3;
    /** The test members' {@code --quota-backend-bytes} unless a test asks for another. */
    private static final long DEFAULT_QUOTA_BYTES = 1L << 30;

    private final Path directory;
    private final List<EtcdProcess> members;

    private EtcdCluster(Path directory, List<EtcdProcess> members) {
        this.directory = directory;
        this.members = List.copyOf(members);
    }

    /**
     * Starts {@code size} members forming one cluster and waits until every one reports healthy.
     *
     * @param size how many members, at least one
     * @return the running cluster; the caller closes it
     * @throws IllegalStateException with a member's log tail when the cluster does not come up
     * @throws java.io.UncheckedIOException when etcd cannot be run at all
     */
    public static EtcdCluster start(int size) {
        return start(size, DEFAULT_QUOTA_BYTES);
    }

    /**
     * Starts {@code size} members whose backend quota is {@code quotaBytes} (a small one fills up:
     * etcd raises its NOSPACE alarm and refuses writes).
     *
     * @param size       how many members, at least one
     * @param quotaBytes each member's {@code --quota-backend-bytes}
     * @return the running cluster; the caller closes it
     */
    public static EtcdCluster start(int size, long quotaBytes) {
        if (size < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least one member, got " + size);
        }
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path directory = createTempDirectory();
            List<EtcdProcess> members = describeMembers(size, directory, quotaBytes);
            try {
                members.forEach(EtcdProcess::start);
                long deadline = System.nanoTime() + EtcdProcess.STARTUP_TIMEOUT.toNanos();
                members.forEach(member -> member.awaitHealthy(deadline));
                return new EtcdCluster(directory, members);
            } catch (RuntimeException e) {
                stopAll(members);
                boolean portClash = members.stream()
                        .anyMatch(member -> member.logTail(200).contains("address already in use"));
                deleteRecursively(directory);
                if (!portClash) {
                    throw e;
                }
                if (lastFailure != null) {
                    e.addSuppressed(lastFailure);
                }
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    private static List<EtcdProcess> describeMembers(int size, Path directory, long quotaBytes) {
        int[] ports = freeLoopbackPorts(2 * size);
        String token = "gamestate-test-" + UUID.randomUUID();
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                initialCluster.append(',');
            }
            initialCluster.append(memberName(i)).append('=').append(EtcdProcess.peerUrl(ports[2 * i + 1]));
        }
        List<EtcdProcess> members = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            members.add(new EtcdProcess(
                    memberName(i), ports[2 * i], ports[2 * i + 1], initialCluster.toString(), token, directory, quotaBytes));
        }
        return members;
    }

    private static String memberName(int index) {
        return "etcd-" + (index + 1);
    }

    /**
     * Finds distinct free loopback ports by binding them all at once, then releasing them.
     *
     * @param count how many ports
     * @return the port numbers
     */
    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do: the port is released either way
                }
            }
        }
    }

    /** {@return the client URLs of all members, in member order} */
    public List<String> endpoints() {
        return members.stream().map(EtcdProcess::endpoint).toList();
    }

    /** {@return the client URLs of all members, comma-separated as {@code GAMESTATE_ETCD_ENDPOINTS} takes them} */
    public String endpointsCsv() {
        return String.join(",", endpoints());
    }

    /** {@return how many members the cluster has} */
    public int size() {
        return members.size();
    }

    /**
     * Returns one member, to kill, pause or restart it.
     *
     * @param index zero-based member index
     * @return that member
     */
    public EtcdProcess member(int index) {
        return members.get(index);
    }

    /** {@return all members, in order} */
    public List<EtcdProcess> members() {
        return members;
    }

    /**
     * Builds a jetcd client on all members' endpoints.
     *
     * @return a new client; the caller closes it
     */
    public Client newClient() {
        return Client.builder().endpoints(endpoints().toArray(String[]::new)).build();
    }

    /** Hands the temporary directory of a one-member cluster over to that member. */
    EtcdProcess detachSingleMember() {
        EtcdProcess member = members.getFirst();
        member.deleteOnClose(directory);
        return member;
    }

    /**
     * Puts every member back to running and waits (up to {@code patience}) until all are healthy,
     * whatever a fault test did to them (killed, paused).
     */
    public void restoreAll(Duration patience) {
        for (EtcdProcess member : members()) {
            if (member.isPaused()) {
                member.resume();
            }
            if (!member.isRunning()) {
                member.restart();
            }
        }
        Awaitility.await().atMost(patience).until(() -> members().stream().allMatch(EtcdProcess::isHealthy));
    }

    /** Stops every member (SIGTERM to all, then waiting for each) and deletes the temporary directory. */
    @Override
    public void close() {
        stopAll(members);
        deleteRecursively(directory);
    }

    private static void stopAll(List<EtcdProcess> members) {
        members.forEach(EtcdProcess::terminate);
        members.forEach(EtcdProcess::stop);
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("gamestate-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
        }
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary file is not worth failing a test
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, as above
        }
    }

    /** {@return a short description for assertion messages} */
    @Override
    public String toString() {
        return "EtcdCluster" + endpoints();
    }
}
