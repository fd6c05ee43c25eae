package dev.gamestate.transport;

import dev.gamestate.auth.GuestTokens;
import dev.gamestate.auth.PlayerTokenVerifier;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.CloseCode;
import dev.gamestate.event.ConnectionListener;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.protocol.Welcome;
import dev.gamestate.protocol.WireCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP and WebSocket listener: binds, serves, and drains on shutdown. */
public final class GameServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GameServer.class);

    private final GameConfig config;
    private final SessionRegistry sessions;
    private final EventLoopGroup group;
    private final GameServerInitializer initializer;
    private final RequestDispatcher dispatcher;
    private final boolean epoll;
    private volatile Channel serverChannel;
    private volatile boolean draining;

    /**
     * A server for {@code config}, dispatching requests through {@code registry}, telling
     * {@code listeners} about sessions, and answering admin calls through {@code admin}.
     */
    public GameServer(GameConfig config, EventRegistry registry, WireCodec codec, SessionRegistry sessions,
                      TransportMetrics metrics, PlayerTokenVerifier players, GuestTokens guests,
                      List<ConnectionListener> listeners, OpsEndpoints ops, Optional<HttpEndpoint> admin,
                      Clock clock) {
        this.config = config;
        this.sessions = sessions;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.server().ioThreads(), io);
        metrics.eventLoops(group);
        GameConfig.Limits limits = config.limits();
        Welcome.Limits welcomeLimits = new Welcome.Limits(limits.maxFrameBytes(), limits.messagesPerSecond(),
                limits.outboundBufferBytes(), config.messaging().maxTextLength(), config.rooms().maxStateBytes(),
                config.rooms().maxEventBytes());
        this.dispatcher = new RequestDispatcher(codec, registry, metrics, clock);
        OutboundLanes lanes = new OutboundLanes(FlushPacing.of(config.server().flushInterval(),
                config.server().maxFlushInterval(), config.server().flushesPerSecond()), metrics);
        PendingHandshakes handshakes = new PendingHandshakes(config.server().maxPendingHandshakes());
        metrics.watch(handshakes);
        WebSocketFrameHandler.Shared shared = new WebSocketFrameHandler.Shared(codec, dispatcher, sessions,
                List.copyOf(listeners), handshakes, metrics, clock, config.server().nodeId(), welcomeLimits,
                limits.messagesPerSecond(), limits.maxViolations(), lanes, limits.outboundBufferBytes(),
                config.auth().jwt().expiryNotice());
        OpsEndpoints withDrain = new OpsEndpoints(ops.etcdAnswers(), () -> draining || ops.draining().getAsBoolean(),
                ops.scrape());
        HttpRouter router = new HttpRouter(new UpgradeGate(config.server().allowedOrigins(), players, guests),
                handshakes, codec, withDrain, admin, metrics);
        this.initializer = new GameServerInitializer(router, shared, limits.maxFrameBytes(),
                config.server().handshakeTimeout(), config.server().compression());
    }

    /** Binds the listener; returns the bound address (port 0 in the config picks a free port). */
    public InetSocketAddress start() throws InterruptedException {
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // Unwritable (congested) past half the hard cap, writable again below a quarter of it.
        int soft = config.limits().outboundBufferBytes() / 2;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(soft / 2, soft))
                .childHandler(initializer);
        serverChannel = bootstrap.bind(config.server().host(), config.server().port()).sync().channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("listening on {}:{} ({} transport)", address.getHostString(), address.getPort(), epoll ? "epoll" : "nio");
        return address;
    }

    /** True once {@link #drain} began; {@code /readyz} answers 503 from then on. */
    public boolean draining() {
        return draining;
    }

    /**
     * Stops accepting, lets requests already running finish and answer, closes every session with
     * 1001, and waits (up to {@code budget} in all) for the sockets to go.
     */
    public void drain(Duration budget) {
        draining = true;
        long deadline = System.nanoTime() + budget.toNanos();
        Channel listener = serverChannel;
        if (listener != null) {
            listener.close().awaitUninterruptibly(budget.toMillis());
        }
        dispatcher.drain();
        // Half the budget for replies of running requests, the rest for the closing handshakes.
        awaitUntil(() -> dispatcher.inFlight() == 0, System.nanoTime() + budget.toNanos() / 2);
        int count = sessions.closeAll(CloseCode.GOING_AWAY);
        LOG.info("draining: closing {} sessions", count);
        awaitUntil(() -> sessions.size() == 0, deadline);
    }

    private static void awaitUntil(java.util.function.BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(10); // polling a count under a deadline; nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
