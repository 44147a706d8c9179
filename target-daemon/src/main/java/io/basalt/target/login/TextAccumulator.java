package io.basalt.target.login;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Joins the data segments of a Login or Text exchange whose text runs over several PDUs: every
 * PDU but the last has the C bit (RFC 7143 §11.10.2, §11.12.2), and a key=value pair may be cut
 * anywhere. Bounded, so a peer that never clears C cannot grow it without limit.
 *
 * <p>Copies the bytes it is given; the caller keeps ownership of the buffers.
 */
public final class TextAccumulator {
    /** What {@link #append} found. */
    public enum Status {
        /** C was set: wait for the next PDU. */
        INCOMPLETE,
        /** C was clear: {@link #take()} the whole text. */
        COMPLETE,
        /** The text passed the bound; the exchange must be refused. */
        TOO_LONG
    }

    private final int maxBytes;
    private byte[] bytes = new byte[0];
    private int length;
    private boolean overflowed;

    public TextAccumulator(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Status append(ByteBuf segment, boolean continues) {
        int n = segment.readableBytes();
        if (overflowed || n > maxBytes - length) {
            overflowed = true;
            return Status.TOO_LONG;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(maxBytes, Math.max(length + n, bytes.length * 2)));
        }
        segment.getBytes(segment.readerIndex(), bytes, length, n);
        length += n;
        return continues ? Status.INCOMPLETE : Status.COMPLETE;
    }

    public Status append(byte[] segment, boolean continues) {
        return append(Unpooled.wrappedBuffer(segment), continues);
    }

    /** The assembled text; the accumulator starts empty again. */
    public byte[] take() {
        byte[] text = Arrays.copyOf(bytes, length);
        reset();
        return text;
    }

    public void reset() {
        bytes = new byte[0];
        length = 0;
        overflowed = false;
    }

    public int length() {
        return length;
    }
}
