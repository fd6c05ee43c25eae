package dev.gamestate.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Notes on the channel ({@link Attributes#DEFLATE}) whether the upgrade's answer accepted
 * permessage-deflate, as Netty's extension handler (nearer the tail) wrote it into the 101 response.
 * Gone from the pipeline once the connection is upgraded.
 */
@ChannelHandler.Sharable
final class DeflateNegotiated extends ChannelOutboundHandlerAdapter {

    static final DeflateNegotiated INSTANCE = new DeflateNegotiated();

    private DeflateNegotiated() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            String extensions = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, "");
            if (extensions.contains("permessage-deflate")) {
                ctx.channel().attr(Attributes.DEFLATE).set(Boolean.TRUE);
            }
        }
        super.write(ctx, msg, promise);
    }
}
