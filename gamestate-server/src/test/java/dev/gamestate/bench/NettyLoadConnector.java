package dev.gamestate.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a load run's client connections: epoll when available, else NIO; each client binds a
 * source address from 127.0.0.1 up to 127.0.0.N in turn, so that tens of thousands of connections do
 * not run out of ephemeral ports on one address; at most {@code connectConcurrency} handshakes are in
 * flight at once.
 */
final class NettyLoadConnector implements AutoCloseable {

    private static final int MAX_SERVER_FRAME = 1 << 20;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private final NettyLoadOptions options;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<Channel> channels = new ArrayList<>();
    private final List<NettyLoadConnection> connections = new ArrayList<>();

    NettyLoadConnector(NettyLoadOptions options) {
        this.options = options;
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(options.threads(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) HANDSHAKE_TIMEOUT_MS);
    }

    EventLoopGroup group() {
        return group;
    }

    /** The clients, in the order they were opened. */
    List<NettyLoadConnection> connections() {
        return connections;
    }

    /**
     * Opens every client; returns when the last one was started (not when all subscribed: wait on
     * {@code state.settled} for that). Returns false when the setup time ran out first.
     */
    boolean openAll(NettyLoadState state, long deadlineNanos) throws InterruptedException {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(options.url())
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_SERVER_FRAME)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .withUTF8Validator(false) // the scanner reads ASCII keys only; validating costs a pass per frame
                .allowExtensions(options.compression())
                .build();
        InetSocketAddress server = new InetSocketAddress(options.url().getHost(), options.url().getPort());
        for (int i = 0; i < options.clients(); i++) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !state.handshakes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
            boolean publishes = i < options.publishers();
            NettyLoadConnection connection = new NettyLoadConnection(state, options.roomOf(i), publishes);
            connections.add(connection);
            InetSocketAddress source = new InetSocketAddress("127.0.0." + (1 + i % options.sourceAddresses()), 0);
            ChannelFuture connect = bootstrap.clone()
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192));
                            if (options.compression()) {
                                channel.pipeline().addLast(new WebSocketClientCompressionHandler(MAX_SERVER_FRAME));
                            }
                            channel.pipeline().addLast(new WebSocketClientProtocolHandler(config), connection);
                        }
                    })
                    .connect(server, source);
            channels.add(connect.channel());
            connect.addListener(done -> {
                if (!done.isSuccess()) {
                    connection.connectFailed(done.cause());
                }
            });
        }
        return true;
    }

    /** Closes every client and stops the event loops. */
    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
