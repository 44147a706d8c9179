package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
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
 */
public final class PduDecoder extends ByteToMessageDecoder {
    /**
     * MaxRecvDataSegmentLength in force until the operational value is declared: the RFC 7143
     * §13.12 default, which also governs the Login Phase itself.
     */
    public static final int LOGIN_MAX_DATA_SEGMENT_LENGTH = 8192;
    /** Longest data segment we skip to keep the connection; past this the session must close. */
    public static final int DEFAULT_DISCARD_LIMIT = 1 << 20;

    enum State { BHS, AHS, HEADER_DIGEST, DATA, DISCARD, CLOSED }

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

    /** Bytes waiting in the cumulation buffer; tests use it to see that skipped input never piles up. */
    int internalBufferBytes() {
        return internalBuffer().readableBytes();
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
            case DATA -> readData(in, out);
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
    private void readData(ByteBuf in, List<Object> out) {
        int padded = padded(dataLength);
        int needed = padded + (pduDigests.data() ? 4 : 0);
        if (in.readableBytes() < needed) {
            return;
        }
        if (pduDigests.data()) {
            int start = in.readerIndex();
            int received = in.getIntLE(start + padded);
            int expected = Crc32c.of(in, start, padded);
            if (received != expected) {
                in.skipBytes(needed);
                out.add(new InvalidPdu(InvalidPdu.Reason.DATA_DIGEST_ERROR, bhs, String.format(
                        "data digest 0x%08x, computed 0x%08x over %d bytes", received, expected, padded), false));
                reset();
                return;
            }
        }
        ByteBuf data = in.readRetainedSlice(dataLength);
        in.skipBytes(needed - dataLength);
        emit(out, data);
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
