package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What every target PDU builder shares: the opcode, the ITT, the StatSN/ExpCmdSN/MaxCmdSN
 * triple that all target opcodes carry at bytes 24-35, and the data segment.
 *
 * <p>A builder that was given a data buffer owns it until {@link #build()} hands it to the PDU;
 * build each builder once.
 *
 * @param <B> the concrete builder, for chaining
 */
public abstract class TargetPduBuilder<B extends TargetPduBuilder<B>> {
    final byte[] bhs = new byte[Pdu.BHS_LENGTH];
    private ByteBuf data = Unpooled.EMPTY_BUFFER;

    TargetPduBuilder(Opcode opcode, int flags) {
        Bytes.put8(bhs, 0, opcode.code());
        Bytes.put8(bhs, 1, flags);
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    public B itt(int itt) {
        Bytes.put32(bhs, 16, itt);
        return self();
    }

    public B statSN(int statSN) {
        Bytes.put32(bhs, 24, statSN);
        return self();
    }

    public B expCmdSN(int expCmdSN) {
        Bytes.put32(bhs, 28, expCmdSN);
        return self();
    }

    public B maxCmdSN(int maxCmdSN) {
        Bytes.put32(bhs, 32, maxCmdSN);
        return self();
    }

    /** Sets the three sequence fields at once; see also {@link Pdu#withSequence}. */
    public B sequence(int statSN, int expCmdSN, int maxCmdSN) {
        return statSN(statSN).expCmdSN(expCmdSN).maxCmdSN(maxCmdSN);
    }

    final B flag(int mask, boolean on) {
        bhs[1] = (byte) (on ? bhs[1] | mask : bhs[1] & ~mask);
        return self();
    }

    final B lunField(long lun) {
        Bytes.put64(bhs, 8, lun);
        return self();
    }

    /** Replaces the data segment; the builder takes over the caller's reference. */
    final B dataField(ByteBuf newData) {
        data.release();
        data = newData;
        return self();
    }

    final B dataField(byte[] bytes) {
        return dataField(bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes.clone()));
    }

    /** Data segment of a sense-carrying PDU: a two-byte SenseLength, then the sense bytes. */
    final B senseField(byte[] sense, byte[] trailing) {
        if (sense.length > 0xffff) {
            throw new IllegalArgumentException("sense data of " + sense.length + " bytes");
        }
        byte[] segment = new byte[2 + sense.length + trailing.length];
        Bytes.put16(segment, 0, sense.length);
        System.arraycopy(sense, 0, segment, 2, sense.length);
        System.arraycopy(trailing, 0, segment, 2 + sense.length, trailing.length);
        return dataField(segment);
    }

    /** Checks opcode-specific rules before {@link #build()}; none by default. */
    void validate() {
    }

    /** The PDU; it owns the data reference this builder held. */
    public Pdu build() {
        validate();
        ByteBuf owned = data;
        data = Unpooled.EMPTY_BUFFER;
        return Pdu.withoutAhs(bhs.clone(), owned);
    }
}
