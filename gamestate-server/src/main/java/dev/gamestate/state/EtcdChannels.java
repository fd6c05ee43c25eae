package dev.gamestate.state;

import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per configured etcd endpoint, built as {@link Etcd} builds jetcd's (TLS with the
 * CA and optional client certificate, user and password), taken round-robin, plus the auth token
 * the watch stream sends as the {@code token} header.
 */
final class EtcdChannels implements AutoCloseable {

    /** etcd's header for the auth token, and the one asking it to end streams without a leader. */
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> HAS_LEADER =
            Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
    // etcd's default --grpc-keepalive-min-time is 5 s; pinging more often gets the connection closed.
    private static final Duration KEEPALIVE = Duration.ofSeconds(10);
    private static final int MAX_INBOUND_BYTES = 32 * 1024 * 1024;

    private final List<ManagedChannel> channels;
    private final List<String> endpoints;
    private final Optional<AuthenticateRequest> credentials;
    private final Duration requestTimeout;
    private int next;

    private EtcdChannels(List<ManagedChannel> channels, List<String> endpoints,
                         Optional<AuthenticateRequest> credentials, Duration requestTimeout) {
        this.channels = channels;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
    }

    /** Channels to every endpoint of {@code config}; none connects before it is used. */
    static EtcdChannels create(GameConfig.Etcd config) {
        Optional<ChannelCredentials> tls = config.tls().map(EtcdChannels::tlsCredentials);
        List<ManagedChannel> channels = new ArrayList<>();
        for (String endpoint : config.endpoints()) {
            URI uri = URI.create(endpoint);
            if (tls.isEmpty() && "https".equals(uri.getScheme())) {
                throw new ConfigException("etcd.tls", "endpoint " + endpoint + " is https but no CA is configured");
            }
            ChannelCredentials credentials = tls.orElseGet(InsecureChannelCredentials::create);
            channels.add(NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort(), credentials)
                    .keepAliveTime(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .maxInboundMessageSize(MAX_INBOUND_BYTES)
                    .build());
        }
        Optional<AuthenticateRequest> credentials = config.user().map(user -> AuthenticateRequest.newBuilder()
                .setName(user)
                .setPassword(config.password().map(p -> p.value()).orElse(""))
                .build());
        return new EtcdChannels(List.copyOf(channels), List.copyOf(config.endpoints()), credentials,
                config.requestTimeout());
    }

    // gRPC's own TLS credentials rather than GrpcSslContexts: state must not import Netty.
    private static ChannelCredentials tlsCredentials(GameConfig.EtcdTls tls) {
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(tls.caFile().toFile());
            if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
                builder.keyManager(tls.certFile().get().toFile(), tls.keyFile().get().toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new ConfigException("etcd.tls", "cannot load the TLS files: " + e.getMessage());
        }
    }

    /** The index of the endpoint to connect to next; each call moves on to the following one. */
    synchronized int nextEndpoint() {
        int index = next;
        next = (next + 1) % channels.size();
        return index;
    }

    ManagedChannel channel(int endpoint) {
        return channels.get(endpoint);
    }

    String endpoint(int endpoint) {
        return endpoints.get(endpoint);
    }

    /** True when etcd wants a token: a user is configured. */
    boolean authenticates() {
        return credentials.isPresent();
    }

    /**
     * A fresh token from the member behind {@code endpoint}; blocks up to the request timeout. Call it
     * only when {@link #authenticates()}.
     */
    String authenticate(int endpoint) {
        return AuthGrpc.newBlockingStub(channels.get(endpoint))
                .withDeadlineAfter(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .authenticate(credentials.orElseThrow())
                .getToken();
    }

    /** The user and password to authenticate with; only when {@link #authenticates()}. */
    AuthenticateRequest credentials() {
        return credentials.orElseThrow();
    }

    /** The headers carrying {@code token}. */
    static Metadata tokenHeaders(String token) {
        Metadata headers = new Metadata();
        headers.put(TOKEN, token);
        return headers;
    }

    /** The headers of a watch stream: require a leader, and the token when there is one. */
    static Metadata watchHeaders(Optional<String> token) {
        Metadata headers = new Metadata();
        headers.put(HAS_LEADER, "true");
        token.ifPresent(t -> headers.put(TOKEN, t));
        return headers;
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
