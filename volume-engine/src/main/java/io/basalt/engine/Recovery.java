package io.basalt.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.lmdbjava.Txn;

/**
 * Start-up recovery, an ordinary code path run at every open:
 * <ol>
 *   <li>finish a cleaner's segment deletions recorded in the graveyard;</li>
 *   <li>forget an interrupted cleaning pass (its copies are dead RELOC records, the source
 *       segment is intact and is cleaned again later);</li>
 *   <li>replay every valid record after the index's recovery point through the same
 *       {@link IndexApplier} the checkpointer uses;</li>
 *   <li>at the first record that fails its checksums (a torn append), zero the rest of that
 *       segment and drop later segments, so the log stays a prefix of what was written.</li>
 * </ol>
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    private static final int BATCH = 16_384;

    private final Path segDir;
    private final Index index;
    private final Catalog catalog;
    private final IndexApplier applier;
    private final ReentrantLock writerLock;
    private final AtomicLong seq;
    long replayedRecords;
    long zeroedTailBytes;

    Recovery(Path segDir, Index index, Catalog catalog, IndexApplier applier, ReentrantLock writerLock, AtomicLong seq) {
        this.segDir = segDir;
        this.index = index;
        this.catalog = catalog;
        this.applier = applier;
        this.writerLock = writerLock;
        this.seq = seq;
    }

    static List<Long> segmentIds(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).map(Segment::idOf).sorted().toList();
        }
    }

    /** Returns the position where appending resumes. */
    SegmentLog.Position run() throws IOException {
        try (Stream<Path> s = Files.list(segDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.delete(p); // an allocation interrupted by the crash
            }
        }
        for (long g : catalog.graveyard) {
            Files.deleteIfExists(Segment.pathOf(segDir, g));
        }
        SegmentLog.Position from = catalog.replayFrom;
        SegmentLog.Position resume = from;
        List<PendingRecord> batch = new ArrayList<>();
        List<Long> ids = segmentIds(segDir).stream().filter(id -> id >= from.segment()).toList();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            try (FileChannel ch = FileChannel.open(Segment.pathOf(segDir, id), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long start = id == from.segment() ? from.offset() : 0;
                RecordScanner scanner = new RecordScanner(ch, id, start, ch.size(), true);
                LogRecord r;
                boolean sealed = false;
                while ((r = scanner.next()) != null) {
                    sealed = r.type() == RecordFormat.SEAL;
                    if (sealed) {
                        continue;
                    }
                    seq.accumulateAndGet(r.seq(), Math::max);
                    if (r.type() != RecordFormat.RELOC) {
                        batch.add(PendingRecord.of(r));
                        replayedRecords++;
                    }
                    if (batch.size() >= BATCH) {
                        apply(batch, new SegmentLog.Position(id, scanner.position()));
                    }
                }
                if (i == 0 || scanner.position() > 0) {
                    // An empty later segment is a pre-allocated spare: appending resumes where the records end.
                    resume = new SegmentLog.Position(id, scanner.position());
                }
                if (sealed) {
                    continue; // a full segment: the log goes on in the next one
                }
                // The log ends here. Zero what follows, so that neither a torn record nor the
                // complete records after it, nor a reused file's old bytes, can come back later.
                boolean spare = i > 0 && scanner.position() == 0; // dropped below, not reused
                if (!spare && !zeroesToEnd(ch, scanner.position())) {
                    LOG.warning("log ends in segment " + id + " at " + scanner.position()
                            + " before non-zero bytes (a torn append or a reused file); zeroing them");
                    zeroTail(ch, scanner.position());
                }
                dropAfter(id, ids);
                break;
            }
        }
        apply(batch, resume);
        dropAfter(resume.segment(), segmentIds(segDir));
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            for (long g : catalog.graveyard) {
                index.deleteCatalog(txn, "g/" + g);
            }
            catalog.graveyard.clear();
            catalog.cleaning = 0;
            catalog.replayFrom = resume;
            catalog.nextSeq = Math.max(catalog.nextSeq, seq.get() + 1);
            catalog.saveDirty(index, txn);
            catalog.saveState(index, txn);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
        return resume;
    }

    private void apply(List<PendingRecord> batch, SegmentLog.Position upTo) {
        if (batch.isEmpty()) {
            return;
        }
        writerLock.lock();
        try (Txn<ByteBuffer> txn = index.writeTxn()) {
            for (PendingRecord r : batch) {
                applier.apply(txn, r);
            }
            catalog.replayFrom = upTo;
            catalog.nextSeq = Math.max(catalog.nextSeq, seq.get() + 1);
            catalog.saveDirty(index, txn);
            catalog.saveState(index, txn);
            index.commit(txn);
        } finally {
            writerLock.unlock();
        }
        batch.clear();
    }

    private void dropAfter(long id, List<Long> ids) throws IOException {
        for (long later : ids) {
            if (later > id) {
                Files.deleteIfExists(Segment.pathOf(segDir, later));
            }
        }
    }

    private static boolean zeroesToEnd(FileChannel ch, long from) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        long pos = from;
        long size = ch.size();
        while (pos < size) {
            b.clear();
            int n = ch.read(b, pos);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    private void zeroTail(FileChannel ch, long from) throws IOException {
        ByteBuffer z = ByteBuffer.allocateDirect(1 << 20);
        long size = ch.size();
        for (long pos = from; pos < size; ) {
            z.clear().limit((int) Math.min(z.capacity(), size - pos));
            pos += ch.write(z, pos);
        }
        ch.force(true);
        zeroedTailBytes += size - from;
    }
}
