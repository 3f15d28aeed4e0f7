package dev.tmem.server.internal;

import dev.tmem.protocol.RequestDecoder;
import dev.tmem.protocol.RequestLayout;
import dev.tmem.protocol.Violation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: cuts the byte stream into frames, has {@link RequestProcessor} answer each in
 * order, and keeps the connection's memory bounded.
 *
 * <p><b>Backpressure.</b> Answers are written as requests complete and flushed once per batch.
 * When the channel stops being writable (its unsent answers pass the high water mark) the handler
 * stops taking frames out of its buffer and turns off auto-read, so the kernel's socket buffers fill
 * and the client blocks; when the answers drain below the low water mark it goes on. A connection
 * therefore holds at most: the unsent answers (high water mark plus one answer of up to 64 KiB), and
 * the received bytes not yet handled (one partial frame of up to {@value RequestLayout#MAX_FRAME_BYTES}
 * bytes plus what one read brings).
 *
 * <p><b>Framing.</b> The length field is judged as soon as its 4 bytes are in, so an oversize or
 * undersize frame is answered with TOO_LARGE and the connection closed without waiting for bytes
 * that would never be read. A frame cut short by the connection closing is dropped unread: it has
 * no effect on any pool.
 *
 * <p><b>Concurrency.</b> One instance per connection, confined to its event loop.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final RequestProcessor processor;
    private final ClientRegistry registry;
    private final ServerCounters counters;
    private final Session session = new Session();
    /** Received bytes not handled yet, or {@code null}. */
    private ByteBuf cumulation;
    /** Set once the last answer is out and the connection is closing: input is dropped. */
    private boolean closing;

    public ConnectionHandler(RequestProcessor processor, ClientRegistry registry, ServerCounters counters) {
        this.processor = processor;
        this.registry = registry;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counters.connectionsOpened.increment();
        counters.connectionsOpen.increment();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closing) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        drain(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            drain(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Answers every whole frame in the buffer while the channel is writable; then flushes. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!closing && cumulation != null && ctx.channel().isWritable()) {
            int readable = cumulation.readableBytes();
            if (readable < RequestLayout.LENGTH_FIELD_BYTES) {
                break;
            }
            long length = cumulation.getUnsignedInt(cumulation.readerIndex());
            Violation tooLarge = RequestDecoder.checkLength(length);
            if (tooLarge != null) {
                LOG.debug("{}: {}; closing", ctx.channel().remoteAddress(), tooLarge);
                closeAfter(ctx, processor.tooLarge(ctx.alloc(), tooLarge.rule()));
                return;
            }
            int frameBytes = RequestLayout.LENGTH_FIELD_BYTES + (int) length;
            if (readable < frameBytes) {
                break;
            }
            ByteBuf answer = processor.handle(session, cumulation.slice(cumulation.readerIndex(), frameBytes), ctx.alloc());
            cumulation.skipBytes(frameBytes);
            if (session.closeAfterWrite) {
                closeAfter(ctx, answer);
                return;
            }
            ctx.write(answer, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (cumulation != null) {
            if (!cumulation.isReadable()) {
                releaseCumulation();
            } else {
                cumulation.discardSomeReadBytes();
            }
        }
        if (!closing) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
    }

    /** Sends {@code last} after everything written before it, then closes; later input is dropped. */
    private void closeAfter(ChannelHandlerContext ctx, ByteBuf last) {
        closing = true;
        releaseCumulation();
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseCumulation(); // a half frame has had no effect
        counters.connectionsOpen.decrement();
        if (session.entry != null) {
            registry.detach(session.entry);
            session.entry = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}; closing", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Received bytes not handled yet; call on the connection's event loop. */
    public int bufferedInputBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
