package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link Pdu}s in wire form: BHS, AHS, header digest, data, padding, data digest
 * (RFC 7143 §11.1). The data segment is not copied: the output is a composite buffer holding a
 * retained duplicate of it, and the PDU itself is released once encoded.
 *
 * <p>Digests are switched either by writing a {@link Digests} message (ordered with the PDU
 * writes, so it is safe from any thread: write it right after the final Login Response) or by
 * {@link #enableDigests} from the event loop.
 */
public final class PduEncoder extends MessageToMessageEncoder<Pdu> {
    private Digests digests = Digests.NONE;

    public PduEncoder() {
        super(Pdu.class);
    }

    /** Applies to every PDU encoded after this call; event loop only. */
    public void enableDigests(Digests digests) {
        this.digests = digests;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof Digests next) {
            digests = next;
            promise.trySuccess();
            return;
        }
        super.write(ctx, msg, promise);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
        out.add(encode(ctx.alloc(), pdu, digests));
    }

    /** The wire bytes of one PDU; the PDU keeps its own reference. */
    static ByteBuf encode(ByteBufAllocator alloc, Pdu pdu, Digests digests) {
        byte[] bhs = pdu.rawBhs();
        byte[] ahs = pdu.rawAhs();
        ByteBuf header = alloc.buffer(bhs.length + ahs.length + 4);
        header.writeBytes(bhs).writeBytes(ahs);
        if (digests.header()) {
            header.writeIntLE(Crc32c.header(bhs, ahs));
        }
        ByteBuf data = pdu.rawData();
        int length = data.readableBytes();
        if (length == 0) {
            return header;
        }
        CompositeByteBuf wire = alloc.compositeBuffer(3);
        wire.addComponents(true, header, data.retainedDuplicate());
        int padding = PduDecoder.padded(length) - length;
        int trailerLength = padding + (digests.data() ? 4 : 0);
        if (trailerLength > 0) {
            ByteBuf trailer = alloc.buffer(trailerLength).writeZero(padding);
            if (digests.data()) {
                trailer.writeIntLE(Crc32c.padded(data, padding));
            }
            wire.addComponent(true, trailer);
        }
        return wire;
    }
}
