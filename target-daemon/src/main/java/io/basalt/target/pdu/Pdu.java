package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import java.util.Arrays;

/**
 * One iSCSI PDU (RFC 7143 §11.1): the 48-byte Basic Header Segment, the Additional Header
 * Segments and the data segment (without padding or digests, which exist only on the wire).
 *
 * <p>The header bytes are private copies and never change. The PDU is reference-counted on its
 * own and holds one reference to its data segment, which it releases when its own count drops
 * to zero; {@link #data()} views share that one data reference.
 *
 * <p><b>Ownership.</b> {@link PduDecoder} emits each PDU holding one reference to a retained
 * slice of its input; the handler that receives it owns that reference and must
 * {@link #release()} the PDU (or pass it on, which passes the duty on). A PDU written to a
 * channel is released by {@link PduEncoder}. The typed views ({@link ScsiCommandPdu#of} etc.)
 * share the PDU's reference and take none of their own.
 *
 * <p>Opcode-specific fields are read through the views for initiator PDUs and written through
 * the builders for target PDUs ({@link LoginResponse}, {@link ScsiResponse}, ...).
 */
public final class Pdu extends AbstractReferenceCounted {
    /** Size of the Basic Header Segment (RFC 7143 §11.2). */
    public static final int BHS_LENGTH = 48;
    /** TotalAHSLength is one byte counting four-byte words (RFC 7143 §11.2.1.2). */
    public static final int MAX_AHS_LENGTH = 255 * 4;
    /** DataSegmentLength is a 24-bit field (RFC 7143 §11.2.1.3). */
    public static final int MAX_DATA_SEGMENT_LENGTH = (1 << 24) - 1;
    /** The reserved tag value (RFC 7143 §11.2.1.8 and elsewhere). */
    public static final int NO_TAG = 0xffffffff;

    private static final byte[] NO_AHS = new byte[0];

    private final byte[] bhs;
    private final byte[] ahs;
    private final ByteBuf data;

    /** Trusted constructor: takes the arrays without copying and the data's reference. */
    Pdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        this.bhs = bhs;
        this.ahs = ahs;
        this.data = data;
    }

    /**
     * Builds a PDU from raw parts, writing TotalAHSLength and DataSegmentLength into a copy of
     * the header so they always agree with the parts.
     *
     * @param bhs 48 header bytes whose opcode is assigned
     * @param ahs AHS bytes, a multiple of four and at most {@link #MAX_AHS_LENGTH}
     * @param data the data segment; this PDU takes over the caller's reference
     */
    public static Pdu of(byte[] bhs, byte[] ahs, ByteBuf data) {
        if (bhs.length != BHS_LENGTH) {
            throw new IllegalArgumentException("BHS must be 48 bytes, got " + bhs.length);
        }
        if (ahs.length % 4 != 0 || ahs.length > MAX_AHS_LENGTH) {
            throw new IllegalArgumentException("AHS length " + ahs.length + " is not a multiple of 4 up to 1020");
        }
        if (data.readableBytes() > MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("data segment of " + data.readableBytes() + " bytes exceeds 2^24-1");
        }
        if (Opcode.fromCode(bhs[0]) == null) {
            throw new IllegalArgumentException("unassigned opcode 0x" + Integer.toHexString(bhs[0] & 0x3f));
        }
        byte[] header = bhs.clone();
        Bytes.put8(header, 4, ahs.length / 4);
        Bytes.put24(header, 5, data.readableBytes());
        return new Pdu(header, ahs.length == 0 ? NO_AHS : ahs.clone(), data);
    }

    static Pdu withoutAhs(byte[] bhs, ByteBuf data) {
        Bytes.put8(bhs, 4, 0);
        Bytes.put24(bhs, 5, data.readableBytes());
        return new Pdu(bhs, NO_AHS, data);
    }

    public Opcode opcode() {
        return Opcode.fromCode(bhs[0]);
    }

    /** The I bit: immediate delivery, no CmdSN advance (RFC 7143 §11.2.1.1). */
    public boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    /** The F bit, BHS byte 1 bit 7 (the T bit for login PDUs). */
    public boolean finalFlag() {
        return (bhs[1] & 0x80) != 0;
    }

    /** BHS byte 1, whose lower bits are opcode-specific. */
    public int flags() {
        return Bytes.u8(bhs, 1);
    }

    /** Length of the AHS in bytes. */
    public int totalAhsLength() {
        return Bytes.u8(bhs, 4) * 4;
    }

    /** Length of the data segment in bytes, excluding padding. */
    public int dataSegmentLength() {
        return Bytes.u24(bhs, 5);
    }

    /** Bytes 8-15: the LUN for opcodes that carry one, opcode-specific otherwise. */
    public long lun() {
        return Bytes.i64(bhs, 8);
    }

    /** Initiator Task Tag (RFC 7143 §11.2.1.8). */
    public int itt() {
        return Bytes.i32(bhs, 16);
    }

    /** StatSN of a target PDU (byte 24 in every target opcode). */
    public int statSN() {
        return targetField(24);
    }

    public int expCmdSN() {
        return targetField(28);
    }

    public int maxCmdSN() {
        return targetField(32);
    }

    /**
     * The same target PDU with StatSN, ExpCmdSN and MaxCmdSN filled in; the session layer calls
     * this as it sends. Like {@link ByteBuf#retainedDuplicate}, the result holds its own
     * reference to the shared data: the caller owns both and releases (or writes) each.
     */
    public Pdu withSequence(int statSN, int expCmdSN, int maxCmdSN) {
        targetField(24);
        byte[] header = bhs.clone();
        Bytes.put32(header, 24, statSN);
        Bytes.put32(header, 28, expCmdSN);
        Bytes.put32(header, 32, maxCmdSN);
        return new Pdu(header, ahs, data.retain());
    }

    private int targetField(int off) {
        if (opcode().sender() != Opcode.Sender.TARGET) {
            throw new IllegalStateException(opcode() + " has no StatSN/ExpCmdSN/MaxCmdSN");
        }
        return Bytes.i32(bhs, off);
    }

    /** A copy of the 48 header bytes. */
    public byte[] bhs() {
        return bhs.clone();
    }

    /** A copy of the AHS bytes (empty if none). */
    public byte[] ahs() {
        return ahs.length == 0 ? NO_AHS : ahs.clone();
    }

    /**
     * The data segment as a duplicate: own indexes, shared content and reference count. Do not
     * write to it; to keep it beyond this PDU's life, {@code retain()} it (or use
     * {@link #retainedData()}).
     */
    public ByteBuf data() {
        return data.duplicate();
    }

    /** The data segment with one more reference, which the caller owns. */
    public ByteBuf retainedData() {
        return data.retainedDuplicate();
    }

    /** For the typed views: this PDU, if it has the given opcode. */
    Pdu expect(Opcode expected) {
        if (opcode() != expected) {
            throw new IllegalArgumentException("expected " + expected + ", got " + opcode());
        }
        return this;
    }

    int u8(int off) {
        return Bytes.u8(bhs, off);
    }

    int u16(int off) {
        return Bytes.u16(bhs, off);
    }

    int i32(int off) {
        return Bytes.i32(bhs, off);
    }

    long u48(int off) {
        return Bytes.u48(bhs, off);
    }

    byte[] rawBhs() {
        return bhs;
    }

    byte[] rawAhs() {
        return ahs;
    }

    ByteBuf rawData() {
        return data;
    }

    @Override
    public Pdu retain() {
        super.retain();
        return this;
    }

    @Override
    public Pdu retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Pdu touch() {
        super.touch();
        return this;
    }

    @Override
    public Pdu touch(Object hint) {
        data.touch(hint);
        return this;
    }

    /** The last release of the PDU releases its data reference. */
    @Override
    protected void deallocate() {
        data.release();
    }

    /** True if both PDUs have the same header, AHS and data bytes. */
    public boolean contentEquals(Pdu other) {
        return Arrays.equals(bhs, other.bhs) && Arrays.equals(ahs, other.ahs) && data.equals(other.data);
    }

    @Override
    public String toString() {
        return opcode() + "{itt=0x" + Integer.toHexString(itt()) + ", flags=0x" + Integer.toHexString(flags())
                + ", ahs=" + ahs.length + ", data=" + dataSegmentLength() + "}";
    }

    static ByteBuf empty() {
        return Unpooled.EMPTY_BUFFER;
    }
}
