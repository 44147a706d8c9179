package io.basalt.engine;

/**
 * A block whose stored bytes fail their CRC32C. The engine never returns such data; the caller
 * reports a medium error for {@link #byteOffset()} (SBC: MEDIUM ERROR / UNRECOVERED READ ERROR).
 */
public final class MediumErrorException extends EngineException {
    private static final long serialVersionUID = 1L;
    private final long byteOffset;

    public MediumErrorException(String volume, long byteOffset, String detail) {
        super(Kind.MEDIUM_ERROR, "checksum mismatch in volume " + volume + " at byte " + byteOffset + ": " + detail);
        this.byteOffset = byteOffset;
    }

    /** Byte offset within the volume of the first byte of the damaged 4 KiB block. */
    public long byteOffset() {
        return byteOffset;
    }
}
