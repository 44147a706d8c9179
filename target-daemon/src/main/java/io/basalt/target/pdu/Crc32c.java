package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The iSCSI digest: CRC32C (RFC 7143 §13.1, test vectors in RFC 3720 Appendix B.4).
 *
 * <p>The value is the standard one {@link CRC32C} computes (initial value and final XOR all
 * ones, reflected). On the wire it goes least-significant byte first: 32 zero bytes give
 * 0x8a9136aa, sent as aa 36 91 8a (RFC 3720 B.4), and libiscsi and the Linux initiator write it
 * the same way. Callers therefore use {@code writeIntLE}/{@code getIntLE}.
 */
final class Crc32c {
    private Crc32c() {
    }

    /** Header digest: over the BHS and any AHS (RFC 7143 §11.1). */
    static int header(byte[] bhs, byte[] ahs) {
        CRC32C crc = new CRC32C();
        crc.update(bhs, 0, bhs.length);
        crc.update(ahs, 0, ahs.length);
        return (int) crc.getValue();
    }

    /** Data digest over bytes already in a buffer; the caller includes the padding bytes. */
    static int of(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    /** Data digest over a data segment followed by {@code padding} zero bytes (RFC 7143 §11.1). */
    static int padded(ByteBuf data, int padding) {
        CRC32C crc = new CRC32C();
        update(crc, data, data.readerIndex(), data.readableBytes());
        for (int i = 0; i < padding; i++) {
            crc.update(0);
        }
        return (int) crc.getValue();
    }

    private static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
            return;
        }
        for (ByteBuffer nio : buf.nioBuffers(index, length)) {
            crc.update(nio);
        }
    }
}
