package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One logical unit: a {@link BlockDevice} and the SCSI state around it — unit attentions per
 * I_T nexus, the SPC-2 reservation, persistent reservations (stored with the device under
 * {@value #PR_ATTRIBUTE}, reloaded here, so they survive restarts and follow the volume), the
 * current mode parameters, and the lock that makes COMPARE AND WRITE atomic.
 *
 * <p>Thread-safe. Hooks for the target layer: {@link #capacityChanged()},
 * {@link #reportedLunsChanged()}, {@link #reset(Nexus)} and {@link #nexusLost(Nexus)}.
 */
public final class Lun {
    /** Device attribute holding the persistent reservation state. */
    public static final String PR_ATTRIBUTE = "scsi.pr";

    private final BlockDevice device;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    /**
     * Writes take the read side while they call into the device (a write is visible when the
     * call returns); COMPARE AND WRITE takes the write side for its read-compare-write.
     */
    private final ReentrantReadWriteLock writeOrder = new ReentrantReadWriteLock();
    private final AtomicReference<Nexus> spc2Holder = new AtomicReference<>();
    private final Object prMutex = new Object();
    private final Object modeMutex = new Object();
    private volatile PrState pr;
    private volatile ModeParameters mode = ModeParameters.DEFAULTS;
    private final CopyResults copyResults = new CopyResults();
    private final AtomicWrites atomicWrites = new AtomicWrites();
    /** The target the LU is exported through (EXTENDED COPY finds its other LUs there); null if none. */
    private volatile ScsiTarget target;

    /** Loads the persistent reservation state stored with the device. */
    public Lun(BlockDevice device) {
        this.device = device;
        this.pr = PrState.decode(device.attribute(PR_ATTRIBUTE));
    }

    public BlockDevice device() {
        return device;
    }

    public int blockSize() {
        return device.logicalBlockSize();
    }

    /** Capacity in logical blocks (read each time: a resize changes it). */
    public long blockCount() {
        return device.sizeBytes() / device.logicalBlockSize();
    }

    /**
     * SBC-4 §4.5: whether [lba, lba + blocks) lies within the capacity. A zero-length range at
     * the capacity itself does. LBAs are unsigned 64-bit values.
     */
    boolean inRange(long lba, long blocks) {
        long capacity = blockCount();
        return Long.compareUnsigned(lba, capacity) <= 0 && Long.compareUnsigned(blocks, capacity - lba) <= 0;
    }

    /** After a resize: CAPACITY DATA HAS CHANGED for every nexus (SBC-4 §4.6). */
    public void capacityChanged() {
        unitAttentions.raiseAllExcept(null, Asc.CAPACITY_DATA_HAS_CHANGED);
    }

    /** The target's LUN inventory changed: REPORTED LUNS DATA HAS CHANGED (SPC-5 §6.33). */
    public void reportedLunsChanged() {
        unitAttentions.raiseAllExcept(null, Asc.REPORTED_LUNS_DATA_HAS_CHANGED);
    }

    /**
     * LOGICAL UNIT RESET or TARGET WARM RESET received through {@code issuer} (SAM-5 §6.3.3):
     * releases the SPC-2 reservation (persistent reservations stay), restores default mode
     * parameters and raises BUS DEVICE RESET FUNCTION OCCURRED for every I_T nexus — the
     * issuer's included: other paths of the issuing host learn of the reset that way, and
     * multipath initiators (libiscsi's MultipathIO.Reset) check for it on both paths.
     */
    public void reset(Nexus issuer) {
        spc2Holder.set(null);
        mode = ModeParameters.DEFAULTS;
        unitAttentions.raiseAllExcept(null, Asc.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    }

    /**
     * The I_T nexus ended (logout, connection loss): its SPC-2 reservation is released (SPC-2
     * §5.5.1) and its unit attention state forgotten; persistent reservations are kept.
     */
    public void nexusLost(Nexus nexus) {
        releaseSpc2(nexus);
        unitAttentions.forget(nexus);
        copyResults.forget(nexus);
    }

    /** Called by the target that exports this LU. */
    void attach(ScsiTarget owner) {
        target = owner;
    }

    /** Called by the target when it stops exporting this LU. */
    void detach(ScsiTarget owner) {
        if (target == owner) {
            target = null;
        }
    }

    /** The LUs EXTENDED COPY may address from this one: those of its target, or itself alone. */
    Iterable<Lun> copyDomain() {
        ScsiTarget t = target;
        return t == null ? java.util.List.of(this) : t.luns().values();
    }

    CopyResults copyResults() {
        return copyResults;
    }

    /**
     * Reads {@code length} bytes at {@code offset} into a buffer the caller owns, never seeing
     * part of a WRITE ATOMIC (see {@link AtomicWrites}).
     */
    ByteBuf read(long offset, int length) {
        return readConsistently(offset, length, () -> BlockIo.read(device, offset, length), ByteBuf::release);
    }

    /** {@link #read} if it needs no disk and meets no WRITE ATOMIC; null otherwise. Never blocks. */
    ByteBuf tryRead(long offset, int length) {
        AtomicWrites.Write before = atomicWrites.readable(offset, length);
        if (before == null) {
            return null;
        }
        ByteBuf data = BlockIo.tryRead(device, offset, length);
        if (data == null || atomicWrites.unchanged(before, offset, length)) {
            return data;
        }
        data.release();
        return null;
    }

    /**
     * Reads [offset, offset+length), possibly in pieces, seeing all or none of every WRITE
     * ATOMIC: {@code reader} reads (and must not write to this LU); if a WRITE ATOMIC may have
     * been seen in part, what it read is given to {@code discard} and it reads again. After two
     * such tries it reads under the exclusive write lock, which WRITE ATOMIC needs too, so a
     * read is not redone for ever (it may still wait, as behind any lock, while WRITE ATOMICs
     * over its range keep coming). Callers keep the range short: it is read whole each time.
     */
    <T> T readConsistently(long offset, long length, Supplier<T> reader, Consumer<T> discard) {
        for (int attempt = 0; attempt < 2; attempt++) {
            AtomicWrites.Write before = atomicWrites.beginRead(offset, length);
            T pieces = reader.get();
            if (atomicWrites.unchanged(before, offset, length)) {
                return pieces;
            }
            discard.accept(pieces);
        }
        Lock writes = exclusiveWrites();
        writes.lock();
        try {
            return reader.get();
        } finally {
            writes.unlock();
        }
    }

    /**
     * Runs {@code write}, a WRITE ATOMIC's call into the device (the data is visible to reads
     * when the call returns), so that no read sees part of it. Call with {@link #exclusiveWrites()} held.
     */
    <T> T atomically(long offset, long length, Supplier<T> write) {
        return atomicWrites.run(offset, length, write);
    }

    UnitAttentions unitAttentions() {
        return unitAttentions;
    }

    /** Held while calling {@link BlockDevice#write} or {@link BlockDevice#unmap}. */
    Lock sharedWrites() {
        return writeOrder.readLock();
    }

    /**
     * Takes {@link #sharedWrites} without waiting, and only if no thread waits for the LU's
     * writes (a COMPARE AND WRITE, ORWRITE, WRITE ATOMIC or consistent read queued for
     * {@link #exclusiveWrites}): a stream of writes taken this way must not keep it waiting.
     * True if taken; release with sharedWrites().unlock().
     */
    boolean trySharedWrites() {
        return !writeOrder.hasQueuedThreads() && writeOrder.readLock().tryLock();
    }

    /** Held for a COMPARE AND WRITE: no other write can interleave. */
    Lock exclusiveWrites() {
        return writeOrder.writeLock();
    }

    Nexus spc2Holder() {
        return spc2Holder.get();
    }

    /** Takes the SPC-2 reservation; false if another nexus holds it. */
    boolean reserveSpc2(Nexus nexus) {
        return spc2Holder.compareAndSet(null, nexus) || nexus.equals(spc2Holder.get());
    }

    /**
     * Releases the SPC-2 reservation if {@code nexus} holds it (else a no-op, SPC-2 §7.21). By
     * equality, not identity: a reinstated session is the same I_T nexus in a new object.
     */
    void releaseSpc2(Nexus nexus) {
        spc2Holder.getAndUpdate(holder -> nexus.equals(holder) ? null : holder);
    }

    PrState pr() {
        return pr;
    }

    /** Serialises PERSISTENT RESERVE OUT commands. */
    Object prMutex() {
        return prMutex;
    }

    /** Stores {@code next} durably, then makes it current. Call with {@link #prMutex()} held. */
    void commitPr(PrState next) {
        device.setAttribute(PR_ATTRIBUTE, next.encode());
        pr = next;
    }

    ModeParameters mode() {
        return mode;
    }

    /** Serialises MODE SELECT commands, so concurrent changes to different bits are not lost. */
    Object modeMutex() {
        return modeMutex;
    }

    void mode(ModeParameters next) {
        mode = next;
    }
}
