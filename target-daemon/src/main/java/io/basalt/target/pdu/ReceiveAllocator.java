package io.basalt.target.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A channel's receive allocator that lets its {@link PduDecoder} choose the buffer of the next
 * socket read: while a large data segment is being assembled, the read goes straight into the
 * rest of that segment's buffer, and right after one, the next header is read alone
 * ({@link PduDecoder#lend}); otherwise the wrapped allocator
 * sizes the read as usual. Sizing, counting and the decision to keep reading stay with the
 * wrapped allocator's handle.
 *
 * <p>One instance per channel (it holds that channel's decoder); used on its event loop only.
 */
public final class ReceiveAllocator implements MaxMessagesRecvByteBufAllocator {
    private final MaxMessagesRecvByteBufAllocator sizing;
    private final PduDecoder decoder;

    /** @param sizing the channel's own allocator (Netty's are all {@link MaxMessagesRecvByteBufAllocator}s) */
    public ReceiveAllocator(RecvByteBufAllocator sizing, PduDecoder decoder) {
        this.sizing = (MaxMessagesRecvByteBufAllocator) sizing;
        this.decoder = decoder;
    }

    @Override
    public int maxMessagesPerRead() {
        return sizing.maxMessagesPerRead();
    }

    @Override
    public MaxMessagesRecvByteBufAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        sizing.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public Handle newHandle() {
        return new LendingHandle((ExtendedHandle) sizing.newHandle(), decoder);
    }

    /** Netty's {@link DelegatingHandle} passes everything else on; the epoll channel needs an {@link ExtendedHandle}. */
    private static final class LendingHandle extends DelegatingHandle implements ExtendedHandle {
        private final PduDecoder decoder;

        LendingHandle(ExtendedHandle sizing, PduDecoder decoder) {
            super(sizing);
            this.decoder = decoder;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf lent = decoder.lend(alloc);
            return lent != null ? lent : super.allocate(alloc);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
