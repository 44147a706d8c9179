package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into {@link Pdu}s (RFC 7143 §11.1): BHS, AHS, optional header digest,
 * data segment padded to four bytes, optional data digest.
 *
 * <p>Emits a {@link Pdu} (the receiver owns its reference, see {@link Pdu}) or an
 * {@link InvalidPdu} when the input breaks a rule the session must answer. It never throws on
 * bad input and never waits for more than {@code maxDataSegmentLength} bytes of data: a longer
 * data segment is skipped as it arrives, without buffering, if it is at most
 * {@code discardLimit} bytes; beyond that (or after a header digest error) the decoder stops
 * following the stream and drops everything after it.
 *
 * <p>Not sharable; all methods must be called on the channel's event loop. A digest setting
 * applies from the next PDU whose BHS has not yet been read; the length limit is checked when a
 * PDU's header is complete. Because {@link ByteToMessageDecoder} passes each
 * PDU down the pipeline before decoding the next, a handler that calls
 * {@link #enableDigests} while handling the final Login Request switches digests exactly
 * from the first PDU after it, which is where RFC 7143 §13.1 puts them: the initiator sends
 * nothing else until it has our final Login Response.
 *
 * <p><b>Large data segments</b> (at least {@link #ASSEMBLY_MIN} bytes in and as many still to
 * come, or any large one right after another) are assembled in a direct buffer of their own,
 * allocated once at their exact length, instead of in the cumulation buffer, which grows by
 * copying. With {@link ReceiveAllocator} as the channel's receive allocator the socket reads
 * go straight into that buffer ({@link #lend}), so a 128 KiB write's payload is copied once,
 * by the kernel, on its way in.
 */
public final class PduDecoder extends ByteToMessageDecoder {
    /**
     * MaxRecvDataSegmentLength in force until the operational value is declared: the RFC 7143
     * §13.12 default, which also governs the Login Phase itself.
     */
    public static final int LOGIN_MAX_DATA_SEGMENT_LENGTH = 8192;
    /** Longest data segment we skip to keep the connection; past this the session must close. */
    public static final int DEFAULT_DISCARD_LIMIT = 1 << 20;

    /**
     * Data segments with at least this many bytes come and at least as many still to come are
     * assembled in a buffer of their own.
     */
    static final int ASSEMBLY_MIN = 16 * 1024;

    enum State { BHS, AHS, HEADER_DIGEST, DATA, ASSEMBLE, DISCARD, CLOSED }

    private static final byte[] NO_AHS = new byte[0];

    private final Opcode.Sender peer;
    private final int discardLimit;
    private int maxDataSegmentLength;
    private Digests digests = Digests.NONE;

    private State state = State.BHS;
    private Digests pduDigests;
    private byte[] bhs;
    private byte[] ahs;
    private int dataLength;
    private long discardRemaining;
    /** Data segment, padding and data digest of the PDU in {@link State#ASSEMBLE}; null otherwise. */
    private ByteBuf assembly;
    /** The part of {@link #assembly} handed out by the last {@link #lend}, until its bytes are decoded. */
    private ByteBuf lent;
    /** Bytes that a socket read put straight into their assembly buffer (tests, measurements). */
    private long bytesReadInPlace;
    /**
     * The last PDU finished was assembled: the next read takes the next header alone, and the
     * next segment may get its buffer before its data comes. Cleared when the next one finishes.
     */
    private boolean afterAssembled;

    /**
     * @param peer who sends the PDUs being decoded; other opcodes are unsupported
     * @param maxDataSegmentLength the MaxRecvDataSegmentLength we declared
     * @param discardLimit the longest over-long or unsupported data segment to skip
     */
    public PduDecoder(Opcode.Sender peer, int maxDataSegmentLength, int discardLimit) {
        this.peer = peer;
        this.maxDataSegmentLength = checkLength(maxDataSegmentLength);
        if (discardLimit < 0) {
            throw new IllegalArgumentException("discardLimit " + discardLimit);
        }
        this.discardLimit = discardLimit;
    }

    /** The target's decoder: initiator PDUs, the login-phase limit and the default discard limit. */
    public static PduDecoder forTarget() {
        return new PduDecoder(Opcode.Sender.INITIATOR, LOGIN_MAX_DATA_SEGMENT_LENGTH, DEFAULT_DISCARD_LIMIT);
    }

    /** Decodes target PDUs, for tools and tests that play the initiator. */
    public static PduDecoder forInitiator() {
        return new PduDecoder(Opcode.Sender.TARGET, LOGIN_MAX_DATA_SEGMENT_LENGTH, DEFAULT_DISCARD_LIMIT);
    }

    /** Sets the limit to the MaxRecvDataSegmentLength we declared during login. */
    public void setMaxDataSegmentLength(int length) {
        this.maxDataSegmentLength = checkLength(length);
    }

    public void enableDigests(Digests digests) {
        this.digests = digests;
    }

    public int maxDataSegmentLength() {
        return maxDataSegmentLength;
    }

    State state() {
        return state;
    }

    /** Bytes waiting in the cumulation or assembly buffer; tests use it to see that skipped input never piles up. */
    int internalBufferBytes() {
        return internalBuffer().readableBytes() + (assembly == null ? 0 : assembly.readableBytes());
    }

    long bytesReadInPlace() {
        return bytesReadInPlace;
    }

    /**
     * The buffer the next socket read should fill: the rest of the data segment being
     * assembled, a buffer for just the next header right after one was assembled, or null
     * when an ordinary buffer will do. Called by {@link ReceiveAllocator}
     * on the event loop; the read's bytes come back through {@link #decode}, which recognises
     * the buffer and counts them without copying.
     */
    ByteBuf lend(ByteBufAllocator alloc) {
        if (afterAssembled && state == State.DATA && internalBuffer().readableBytes() == 0 && neededData() >= ASSEMBLY_MIN) {
            startAssembly(alloc, Unpooled.EMPTY_BUFFER); // the header came alone, as asked below
        }
        if (state == State.ASSEMBLE && assembly.isWritable()) {
            lent = assembly.retainedSlice(assembly.writerIndex(), assembly.writableBytes()).clear();
            return lent;
        }
        if (afterAssembled && state == State.BHS && internalBuffer().readableBytes() == 0) {
            // Large segments come in runs: read just the next header, so that its data, if
            // large too, lands in its own buffer and not in this read, to be copied there.
            int header = Pdu.BHS_LENGTH + (digests.header() ? 4 : 0);
            return alloc.ioBuffer(header, header);
        }
        return null;
    }

    private static int checkLength(int length) {
        if (length < 1 || length > Pdu.MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("maxDataSegmentLength " + length + " outside 1..2^24-1");
        }
        return length;
    }

    /** One step of the state machine; returning without consuming means "need more bytes". */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case BHS -> readBhs(in, out);
            case AHS -> readAhs(in, out);
            case HEADER_DIGEST -> checkHeaderDigest(in, out);
            case DATA -> readData(ctx, in, out);
            case ASSEMBLE -> assemble(in, out);
            case DISCARD -> discard(in);
            case CLOSED -> in.skipBytes(in.readableBytes());
        }
    }

    private void readBhs(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Pdu.BHS_LENGTH) {
            return;
        }
        bhs = new byte[Pdu.BHS_LENGTH];
        in.readBytes(bhs);
        pduDigests = digests;
        dataLength = Bytes.u24(bhs, 5);
        int ahsLength = Bytes.u8(bhs, 4) * 4;
        ahs = NO_AHS;
        if (ahsLength > 0) {
            state = State.AHS;
        } else {
            headerRead(out);
        }
    }

    /** The AHS is at most 1020 bytes (one length byte counting words), so reading it is bounded. */
    private void readAhs(ByteBuf in, List<Object> out) {
        int ahsLength = Bytes.u8(bhs, 4) * 4;
        if (in.readableBytes() < ahsLength) {
            return;
        }
        ahs = new byte[ahsLength];
        in.readBytes(ahs);
        headerRead(out);
    }

    private void headerRead(List<Object> out) {
        if (pduDigests.header()) {
            state = State.HEADER_DIGEST;
        } else {
            headerComplete(out);
        }
    }

    private void checkHeaderDigest(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int received = in.readIntLE();
        int expected = Crc32c.header(bhs, ahs);
        if (received != expected) {
            close(out, InvalidPdu.Reason.HEADER_DIGEST_ERROR, String.format(
                    "header digest 0x%08x, computed 0x%08x", received, expected));
            return;
        }
        headerComplete(out);
    }

    /** The header is in and trusted: decide whether the data segment is read, skipped or fatal. */
    private void headerComplete(List<Object> out) {
        Opcode opcode = Opcode.fromCode(bhs[0]);
        if (opcode == null || opcode.sender() != peer) {
            refuse(out, InvalidPdu.Reason.UNSUPPORTED_OPCODE,
                    "opcode 0x" + Integer.toHexString(bhs[0] & 0x3f) + " is not sent by a " + peer);
        } else if (dataLength > maxDataSegmentLength) {
            refuse(out, InvalidPdu.Reason.DATA_SEGMENT_TOO_LONG, "DataSegmentLength " + dataLength
                    + " exceeds MaxRecvDataSegmentLength " + maxDataSegmentLength);
        } else if (dataLength == 0) {
            emit(out, Pdu.empty());
        } else {
            state = State.DATA;
        }
    }

    /**
     * Waits for data, padding and data digest together so the digest is checked before a slice
     * is taken: nothing is held between calls, and nothing is delivered unverified.
     */
    private void readData(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int padded = padded(dataLength);
        int needed = neededData();
        if (in.readableBytes() < needed) {
            // The segment's whole buffer is taken only once 16 KiB of it came (or, in lend, right
            // after a complete large segment), so a bare header cannot claim a large buffer.
            if (in.readableBytes() >= ASSEMBLY_MIN && needed - in.readableBytes() >= ASSEMBLY_MIN) {
                startAssembly(ctx.alloc(), in);
            }
            return;
        }
        InvalidPdu bad = badDataDigest(in, in.readerIndex(), padded);
        if (bad != null) {
            in.skipBytes(needed);
            out.add(bad);
            reset();
            return;
        }
        ByteBuf data = in.readRetainedSlice(dataLength);
        in.skipBytes(needed - dataLength);
        emit(out, data);
    }

    /** Data segment, padding and data digest: the bytes the PDU in {@link State#DATA} still needs. */
    private int neededData() {
        return padded(dataLength) + (pduDigests.data() ? 4 : 0);
    }

    /** Moves to {@link State#ASSEMBLE} with a buffer of the exact length, taking what {@code in} has. */
    private void startAssembly(ByteBufAllocator alloc, ByteBuf in) {
        int needed = neededData();
        assembly = alloc.directBuffer(needed, needed);
        assembly.writeBytes(in);
        state = State.ASSEMBLE;
    }

    /**
     * Adds the bytes that arrived to the data segment being assembled; when it is complete,
     * checks its digest and emits it. Bytes read into the buffer {@link #lend} handed out are
     * already in place.
     */
    private void assemble(ByteBuf in, List<Object> out) {
        if (in == lent) {
            int n = in.readableBytes(); // at most the space left: the lent buffer is that long
            in.skipBytes(n);
            assembly.writerIndex(assembly.writerIndex() + n);
            bytesReadInPlace += n;
        } else {
            assembly.writeBytes(in, Math.min(in.readableBytes(), assembly.writableBytes()));
        }
        lent = null;
        if (assembly.isWritable()) {
            return;
        }
        ByteBuf data = assembly;
        assembly = null;
        int padded = padded(dataLength);
        InvalidPdu bad = badDataDigest(data, 0, padded);
        if (bad != null) {
            data.release();
            out.add(bad);
            reset();
            return;
        }
        emit(out, data.writerIndex(dataLength));
        afterAssembled = true; // after emit's reset
    }

    /** The Reject-able PDU for a data digest that does not match, or null if it matches or is off. */
    private InvalidPdu badDataDigest(ByteBuf buf, int start, int padded) {
        if (!pduDigests.data()) {
            return null;
        }
        int received = buf.getIntLE(start + padded);
        int expected = Crc32c.of(buf, start, padded);
        return received == expected ? null : new InvalidPdu(InvalidPdu.Reason.DATA_DIGEST_ERROR, bhs, String.format(
                "data digest 0x%08x, computed 0x%08x over %d bytes", received, expected, padded), false);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseAssembly();
    }

    /** The decoder is out of the pipeline: it releases what it holds and decodes nothing more. */
    private void releaseAssembly() {
        if (assembly != null) {
            assembly.release();
            assembly = null;
        }
        lent = null;
        state = State.CLOSED;
    }

    /** Reports the PDU, then skips its data segment as it arrives or gives up on the stream. */
    private void refuse(List<Object> out, InvalidPdu.Reason reason, String detail) {
        if (dataLength > discardLimit) {
            close(out, reason, detail + "; its data segment is over the discard limit " + discardLimit);
            return;
        }
        out.add(new InvalidPdu(reason, bhs, detail, false));
        discardRemaining = padded(dataLength) + (dataLength > 0 && pduDigests.data() ? 4 : 0);
        if (discardRemaining == 0) {
            reset();
        } else {
            state = State.DISCARD;
        }
    }

    private void discard(ByteBuf in) {
        int n = (int) Math.min(discardRemaining, in.readableBytes());
        in.skipBytes(n);
        discardRemaining -= n;
        if (discardRemaining == 0) {
            reset();
        }
    }

    private void close(List<Object> out, InvalidPdu.Reason reason, String detail) {
        out.add(new InvalidPdu(reason, bhs, detail, true));
        state = State.CLOSED;
        bhs = null;
        ahs = null;
    }

    private void emit(List<Object> out, ByteBuf data) {
        out.add(new Pdu(bhs, ahs, data));
        reset();
    }

    private void reset() {
        afterAssembled = false;
        state = State.BHS;
        bhs = null;
        ahs = null;
        dataLength = 0;
        discardRemaining = 0;
    }

    /** Data segments are padded to a multiple of four bytes (RFC 7143 §11.1). */
    static int padded(int length) {
        return (length + 3) & ~3;
    }
}
