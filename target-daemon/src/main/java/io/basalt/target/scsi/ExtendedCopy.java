package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;

/**
 * EXTENDED COPY (LID1) and RECEIVE COPY RESULTS (SPC-4 §6.4, §6.18): the copy manager behind
 * VMware's VAAI full copy. The host names the LUs by identification CSCD descriptors (E4h, the
 * NAA designator of the device identification page) and each range by a block-to-block segment
 * descriptor (02h); the LU that receives the command copies between any LUs of its target,
 * itself included, without the data crossing the network.
 *
 * <p>The whole parameter list, every segment included (its LUs, their reservations and write
 * protection, its ranges), is checked before anything is copied. Then, on a copier thread of
 * its own, the segments run in order: each is read whole (in 1 MiB chunks, at most 16 MiB, as a
 * READ would see it), then written under the destination's shared write lock, as a WRITE is;
 * overlapping ranges on one LU therefore copy as if read first.
 * A failure once copying has begun ends the command with COPY ABORTED and the cause's
 * additional sense code; what was copied stays. A segment the descriptors make impossible (a
 * CSCD index with no descriptor, a range past the capacity or longer than
 * {@link #MAX_SEGMENT_LENGTH}, a length that is not whole blocks on both LUs) is COPY ABORTED
 * with no additional sense code, which is what libiscsi 1.19's conformance suite accepts
 * (later ones accept it too).
 * No inline or held data, no stream devices.
 */
final class ExtendedCopy {
    static final int HEADER = 16;
    static final int CSCD_BYTES = 32;
    static final int SEGMENT_BYTES = 28;
    static final int MAX_CSCD_DESCRIPTORS = 8;
    static final int MAX_SEGMENT_DESCRIPTORS = 8;
    static final int MAX_DESCRIPTOR_LIST = 2048;
    static final int MAX_PARAMETER_LIST = HEADER + MAX_DESCRIPTOR_LIST;
    /**
     * Bytes one segment may move: 16 MiB, what VMware's largest XCOPY transfer size asks. With
     * {@link #MAX_SEGMENT_DESCRIPTORS}, one command moves at most 128 MiB, which bounds how long
     * an ABORT TASK or LUN RESET waits for a running copy.
     */
    static final long MAX_SEGMENT_LENGTH = 16L << 20;
    /** EXTENDED COPY commands running at once in the daemon (TOTAL CONCURRENT COPIES); more get BUSY. */
    static final int MAX_CONCURRENT_COPIES = 4;
    private static final Semaphore SLOTS = new Semaphore(MAX_CONCURRENT_COPIES);
    /**
     * Copies run here, not on the SCSI workers, which every LU shares for its reads and writes:
     * a copy never holds up other commands.
     */
    private static final ExecutorService COPIERS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "basalt-copy");
        t.setDaemon(true);
        return t;
    });
    private static final int IDENTIFICATION_CSCD = 0xe4;
    private static final int BLOCK_TO_BLOCK = 0x02;
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int CODE_BINARY = 1;
    private static final int TYPE_NAA = 3;

    private ExtendedCopy() {
    }

    private record Cscd(int codeSet, int designatorType, byte[] designator) {
    }

    private record Segment(int source, int destination, boolean destinationBlocks, int blocks, long sourceLba,
                           long destinationLba) {
    }

    /** The parameter list (none above {@link #MAX_PARAMETER_LIST}: such a list is refused unread). */
    static long dataOutLength(byte[] cdb, int blockSize) {
        long n = Cdb.u32(cdb, 10);
        return n <= MAX_PARAMETER_LIST ? n : 0;
    }

    static CompletableFuture<ScsiResult> handle(ScsiRequest r) {
        long length = Cdb.u32(r.cdb(), 10);
        if (length == 0) {
            return Command.now(ScsiResult.good()); // SPC-4 §6.4.1: not an error
        }
        if (length < HEADER || length > MAX_PARAMETER_LIST || r.dataOutBytes() < length) {
            return Command.now(Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR));
        }
        byte[] list = new byte[(int) length];
        r.dataOut().getBytes(r.dataOut().readerIndex(), list);
        int listId = Cdb.u8(list, 0);
        int usage = (list[1] >>> 3) & 3;
        int cscdLength = Cdb.u16(list, 2);
        long segmentLength = Cdb.u32(list, 8);
        if (cscdLength + segmentLength > MAX_DESCRIPTOR_LIST || HEADER + cscdLength + segmentLength > length) {
            return Command.now(Sense.illegalRequest(Asc.PARAMETER_LIST_LENGTH_ERROR));
        }
        if (Cdb.u32(list, 12) != 0) {
            return Command.now(Sense.invalidFieldInParameterList(12, 7)); // no inline data
        }
        if (usage == 1) {
            return Command.now(Sense.invalidFieldInParameterList(1, 4)); // reserved LIST ID USAGE
        }
        if (usage == 3 && listId != 0) {
            return Command.now(Sense.invalidFieldInParameterList(0, 7));
        }
        if (cscdLength % CSCD_BYTES != 0) {
            return Command.now(Sense.invalidFieldInParameterList(2, 7));
        }
        if (cscdLength / CSCD_BYTES > MAX_CSCD_DESCRIPTORS) {
            return Command.now(Sense.illegalRequest(Asc.TOO_MANY_TARGET_DESCRIPTORS));
        }
        List<Cscd> cscds = new ArrayList<>();
        for (int at = HEADER; at < HEADER + cscdLength; at += CSCD_BYTES) {
            if (Cdb.u8(list, at) != IDENTIFICATION_CSCD) {
                return Command.now(Sense.illegalRequest(Asc.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE));
            }
            if ((list[at + 1] & 0x1f) != 0) {
                return Command.now(Sense.invalidFieldInParameterList(at + 1, 4)); // block devices only
            }
            if ((list[at + 1] & 0x20) != 0) {
                return Command.now(Sense.invalidFieldInParameterList(at + 1, 5)); // NUL: no null device
            }
            int designatorLength = Cdb.u8(list, at + 7);
            if (designatorLength > 16) {
                return Command.now(Sense.invalidFieldInParameterList(at + 7, 7));
            }
            // LU ID TYPE (byte 1, bits 7-6) is ignored, as SPC-4 asks of a LID1 copy manager.
            cscds.add(new Cscd(list[at + 4] & 0x0f, list[at + 5] & 0x0f,
                    Arrays.copyOfRange(list, at + 8, at + 8 + designatorLength)));
        }
        List<Segment> segments = new ArrayList<>();
        int end = (int) (HEADER + cscdLength + segmentLength);
        for (int at = HEADER + cscdLength; at < end; ) {
            if (segments.size() == MAX_SEGMENT_DESCRIPTORS) {
                return Command.now(Sense.illegalRequest(Asc.TOO_MANY_SEGMENT_DESCRIPTORS));
            }
            if (end - at < 4) {
                return Command.now(Sense.invalidFieldInParameterList(at, 7));
            }
            if (Cdb.u8(list, at) != BLOCK_TO_BLOCK) {
                return Command.now(Sense.illegalRequest(Asc.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE));
            }
            if (Cdb.u16(list, at + 2) != SEGMENT_BYTES - 4 || at + SEGMENT_BYTES > end) {
                return Command.now(Sense.invalidFieldInParameterList(at + 2, 7));
            }
            if ((list[at + 1] & 0x01) != 0) {
                return Command.now(Sense.invalidFieldInParameterList(at + 1, 0)); // CAT: no residue handling
            }
            segments.add(new Segment(Cdb.u16(list, at + 4), Cdb.u16(list, at + 6), (list[at + 1] & 0x02) != 0,
                    Cdb.u16(list, at + 10), Cdb.u64(list, at + 12), Cdb.u64(list, at + 20)));
            at += SEGMENT_BYTES;
        }

        // Every segment is resolved and checked before anything is copied.
        List<Plan> plans = new ArrayList<>();
        for (Segment s : segments) {
            Object planned = plan(r, cscds, s);
            if (planned instanceof ScsiResult refused) {
                return Command.now(refused);
            }
            plans.add((Plan) planned);
        }

        CopyResults results = r.lun().copyResults();
        if (!SLOTS.tryAcquire()) {
            return Command.now(new ScsiResult(ScsiResult.BUSY, null, null));
        }
        CopyResults.Progress progress;
        try {
            progress = results.begin(r.nexus(), listId, usage != 3, usage == 0);
        } catch (RuntimeException e) {
            SLOTS.release();
            throw e;
        }
        if (progress == null) {
            SLOTS.release();
            return Command.now(Sense.illegalRequest(Asc.OPERATION_IN_PROGRESS));
        }
        try {
            return CompletableFuture.supplyAsync(() -> run(r, plans, results, progress), COPIERS);
        } catch (Throwable rejected) { // e.g. no thread could be started
            try {
                results.end(progress, CopyResults.FAILED);
            } finally {
                SLOTS.release();
            }
            throw rejected;
        }
    }

    /**
     * Whether the nexus may read {@code src} and write {@code dst} as READ(16) and WRITE(16)
     * would: null, or RESERVATION CONFLICT, or DATA PROTECT for a write-protected destination.
     */
    private static ScsiResult access(ScsiRequest r, Lun src, Lun dst) {
        if (ReservationCheck.conflicts(src, r.nexus(), r.table().find(0x88, 0))
                || ReservationCheck.conflicts(dst, r.nexus(), r.table().find(0x8a, 0))) {
            return ReservationCheck.CONFLICT;
        }
        if (dst.mode().softwareWriteProtect()) {
            return Sense.of(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED).result();
        }
        return null;
    }

    /** A segment resolved to its LUs and byte ranges. */
    private record Plan(Lun src, long from, Lun dst, long to, long bytes, long sourceLba) {
    }

    /** Resolves and checks a segment: a {@link Plan}, or the {@link ScsiResult} that refuses it. */
    private static Object plan(ScsiRequest r, List<Cscd> cscds, Segment s) {
        ScsiResult impossible = Sense.of(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE).result();
        if (s.source() >= cscds.size() || s.destination() >= cscds.size()) {
            return impossible;
        }
        Lun src = resolve(r.lun(), cscds.get(s.source()));
        Lun dst = resolve(r.lun(), cscds.get(s.destination()));
        if (src == null || dst == null) {
            return Sense.of(SenseKey.COPY_ABORTED, Asc.COPY_TARGET_DEVICE_NOT_REACHABLE).result();
        }
        ScsiResult refused = access(r, src, dst);
        if (refused != null) {
            return refused;
        }
        int sbs = src.blockSize();
        int dbs = dst.blockSize();
        long bytes = (long) s.blocks() * (s.destinationBlocks() ? dbs : sbs);
        if (bytes > MAX_SEGMENT_LENGTH || bytes % sbs != 0 || bytes % dbs != 0
                || !src.inRange(s.sourceLba(), bytes / sbs) || !dst.inRange(s.destinationLba(), bytes / dbs)) {
            return impossible;
        }
        return new Plan(src, s.sourceLba() * sbs, dst, s.destinationLba() * dbs, bytes, s.sourceLba());
    }

    /**
     * On a copier thread: the segments in order; what was copied stays if one fails. The
     * reservations and write protection checked before the copy was queued are checked again
     * before each segment: a PREEMPT may have come meanwhile.
     */
    private static ScsiResult run(ScsiRequest r, List<Plan> plans, CopyResults results, CopyResults.Progress progress) {
        int status = CopyResults.FAILED;
        try {
            for (Plan p : plans) {
                ScsiResult refused = access(r, p.src(), p.dst());
                if (refused != null) {
                    return progress.segments.get() == 0 ? refused
                            : Sense.of(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE).result(); // part was copied
                }
                ScsiResult failed = copy(p, progress);
                if (failed != null) {
                    return failed;
                }
                progress.segments.incrementAndGet();
            }
            status = CopyResults.COMPLETED;
            return ScsiResult.good();
        } finally {
            try {
                results.end(progress, status);
            } finally {
                SLOTS.release();
            }
        }
    }

    /**
     * One segment's data, all of it read before any is written (so overlapping ranges on one LU
     * copy as if read first, and the source is read as a READ would see it, all or none of each
     * WRITE ATOMIC); null when copied, else COPY ABORTED with the cause's sense code.
     */
    private static ScsiResult copy(Plan p, CopyResults.Progress progress) {
        boolean durable = !p.dst().mode().writeCacheEnabled();
        List<ByteBuf> chunks;
        try {
            chunks = p.src().readConsistently(p.from(), p.bytes(), () -> readChunks(p), ExtendedCopy::release);
        } catch (RuntimeException e) {
            return aborted(e, p);
        }
        try {
            long at = 0;
            for (ByteBuf chunk : chunks) {
                int n = chunk.readableBytes();
                CompletableFuture<Void> written;
                Lock lock = p.dst().sharedWrites();
                lock.lock();
                try {
                    written = BlockIo.write(p.dst().device(), p.to() + at, chunk, chunk.readerIndex(), n, durable);
                } finally {
                    lock.unlock();
                }
                written.join();
                at += n;
                progress.bytes.addAndGet(n);
            }
            return null;
        } catch (RuntimeException e) {
            return aborted(e, p);
        } finally {
            release(chunks);
        }
    }

    private static List<ByteBuf> readChunks(Plan p) {
        List<ByteBuf> chunks = new ArrayList<>();
        try {
            for (long done = 0; done < p.bytes(); ) {
                int n = (int) Math.min(CHUNK_BYTES, p.bytes() - done);
                chunks.add(BlockIo.read(p.src().device(), p.from() + done, n));
                done += n;
            }
            return chunks;
        } catch (Throwable t) { // OutOfDirectMemoryError too
            release(chunks);
            throw t;
        }
    }

    private static void release(List<ByteBuf> chunks) {
        chunks.forEach(ByteBuf::release);
    }

    private static ScsiResult aborted(RuntimeException e, Plan p) {
        Sense cause = SenseMapper.toSense(e, p.src().blockSize(), p.sourceLba());
        return Sense.of(SenseKey.COPY_ABORTED, cause.asc()).result();
    }

    /** The LU of this LU's target whose NAA designator the descriptor names, or null. */
    private static Lun resolve(Lun self, Cscd d) {
        if (d.codeSet() != CODE_BINARY || d.designatorType() != TYPE_NAA) {
            return null;
        }
        for (Lun candidate : self.copyDomain()) {
            if (Arrays.equals(DeviceIdentity.naa(candidate.device()), d.designator())) {
                return candidate;
            }
        }
        return null;
    }

    /** RECEIVE COPY RESULTS / OPERATING PARAMETERS (SPC-4 §6.18.4). */
    static CompletableFuture<ScsiResult> operatingParameters(ScsiRequest r) {
        int[] implemented = {BLOCK_TO_BLOCK, IDENTIFICATION_CSCD};
        byte[] b = new byte[44 + implemented.length];
        Cdb.put32(b, 0, b.length - 4);
        b[4] = 0x01; // SNLID: LIST ID USAGE 11b is supported
        Cdb.put16(b, 8, MAX_CSCD_DESCRIPTORS);
        Cdb.put16(b, 10, MAX_SEGMENT_DESCRIPTORS);
        Cdb.put32(b, 12, MAX_DESCRIPTOR_LIST);
        Cdb.put32(b, 16, MAX_SEGMENT_LENGTH);
        // MAXIMUM INLINE DATA LENGTH, HELD DATA LIMIT, MAXIMUM STREAM DEVICE TRANSFER SIZE: 0.
        Cdb.put16(b, 34, MAX_CONCURRENT_COPIES);
        b[36] = (byte) MAX_CONCURRENT_COPIES;
        b[37] = (byte) Integer.numberOfTrailingZeros(r.blockSize()); // DATA SEGMENT GRANULARITY (log2)
        b[43] = (byte) implemented.length;
        for (int i = 0; i < implemented.length; i++) {
            b[44 + i] = (byte) implemented[i];
        }
        return Command.now(ParameterData.respond(b, Cdb.u32(r.cdb(), 10)));
    }

    /**
     * RECEIVE COPY RESULTS / COPY STATUS (SPC-4 §6.18.3) of the nexus's copy with the CDB's list
     * identifier, running or held; INVALID FIELD IN CDB when there is none.
     */
    static CompletableFuture<ScsiResult> copyStatus(ScsiRequest r) {
        CopyResults.Progress p = r.lun().copyResults().status(r.nexus(), Cdb.u8(r.cdb(), 2));
        if (p == null) {
            return Command.now(Sense.invalidFieldInCdb(2, 7));
        }
        byte[] b = new byte[12];
        Cdb.put32(b, 0, b.length - 4);
        b[4] = (byte) p.status;
        Cdb.put16(b, 5, Math.min(p.segments.get(), 0xffff));
        long bytes = p.bytes.get();
        if (bytes <= 0xffffffffL) {
            Cdb.put32(b, 8, bytes); // TRANSFER COUNT UNITS 0: bytes
        } else {
            b[7] = 1; // kibibytes
            Cdb.put32(b, 8, Math.min(bytes >>> 10, 0xffffffffL));
        }
        return Command.now(ParameterData.respond(b, Cdb.u32(r.cdb(), 10)));
    }
}
