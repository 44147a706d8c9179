package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** Unpooled buffers, each listed, so that a test can check that every one went back. */
final class TrackingAllocator extends AbstractByteBufAllocator {
    final List<ByteBuf> allocated = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(Unpooled.buffer(initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(Unpooled.directBuffer(initialCapacity, maxCapacity));
    }

    private ByteBuf track(ByteBuf b) {
        allocated.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers of at least {@code bytes}. */
    long largerThan(int bytes) {
        return allocated.stream().filter(b -> b.capacity() >= bytes).count();
    }

    void assertAllReleased() {
        for (int i = 0; i < allocated.size(); i++) {
            assertEquals(0, allocated.get(i).refCnt(), "buffer " + i + " of " + allocated.size() + " not released");
        }
    }
}
