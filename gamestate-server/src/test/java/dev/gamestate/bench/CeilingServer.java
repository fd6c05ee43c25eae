package dev.gamestate.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "speed of the hardware" baseline for the scale workloads: a bare Netty WebSocket server that
 * speaks the subset of gamestate's protocol the workloads use ({@code welcome}, {@code subscribe},
 * {@code core.game.state.broadcast}, {@code ping}), keeps rooms and their seqs in memory (no etcd, no
 * state, no auth, no limits), encodes each event once, writes a retained duplicate per recipient and
 * flushes room events on a tick (replies at once). Every path under {@code /core/game/v1/real-time}
 * upgrades.
 *
 * <pre>CeilingServer [--host 127.0.0.1] [--port 8090] [--threads CORES] [--flush-tick-ms 5]</pre>
 */
public final class CeilingServer {

    private static final int MAX_FRAME = 65_536;

    private CeilingServer() {
    }

    /** Serves until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 8090;
        int threads = Runtime.getRuntime().availableProcessors();
        int tickMillis = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--flush-tick-ms" -> tickMillis = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (tickMillis < 1) {
            throw new IllegalArgumentException("--flush-tick-ms must be at least 1");
        }
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        CeilingRooms rooms = new CeilingRooms(group, TimeUnit.MILLISECONDS.toNanos(tickMillis));
        AtomicLong sessions = new AtomicLong();
        Channel listener = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/core/game/v1/real-time", null, false, MAX_FRAME,
                                        false, true),
                                new CeilingSession(rooms, "guest-c" + sessions.incrementAndGet()));
                    }
                })
                .bind(host, port).sync().channel();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close().awaitUninterruptibly();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }));
        System.out.printf("ceiling server listening on %s (%s, %d threads, flush tick %d ms)%n",
                listener.localAddress(), epoll ? "epoll" : "nio", threads, tickMillis);
        listener.closeFuture().sync();
    }
}
