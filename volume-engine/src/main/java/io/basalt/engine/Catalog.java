package io.basalt.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.lmdbjava.Txn;

/**
 * Volumes, lineages and snapshots, kept in memory and persisted in the index's catalog
 * database in the same transactions that change blocks.
 *
 * <p>Model: every write goes to a <em>lineage</em>, identified by id, with a global sequence
 * number. A volume is the head of one lineage. A snapshot is a <em>view</em>
 * (lineage, seq): O(1) to create. A clone, and a revert, start a new lineage whose parent is
 * the snapshot's view; reads fall through to the parent for blocks the lineage lacks. A view
 * keeps alive, in its lineage, the newest version at or below its seq of each block.
 *
 * <p>Threading: records are mutated under the engine's metadata lock and, for the fields the
 * index applier reads ({@code views}, byte counters), also under the index writer lock.
 */
final class Catalog {
    static final class VolumeRec {
        final long id;
        final String name;
        final boolean compression;
        final long createdMillis;
        volatile long sizeBytes;
        volatile long head;
        volatile long parentSnapshot;
        final ReentrantLock lock = new ReentrantLock();
        volatile boolean deleted;

        VolumeRec(long id, String name, long sizeBytes, boolean compression, long head, long parentSnapshot, long created) {
            this.id = id;
            this.name = name;
            this.sizeBytes = sizeBytes;
            this.compression = compression;
            this.head = head;
            this.parentSnapshot = parentSnapshot;
            this.createdMillis = created;
        }
    }

    static final class LineageRec {
        final long id;
        final long parent;
        final long parentSeq;
        final long createdSeq;
        volatile long headVolume;
        volatile long lastSeq;
        long liveBytes;
        /** View seq -> reference count (snapshots on this lineage, and child lineages' bases). */
        final TreeMap<Long, Integer> views = new TreeMap<>();

        LineageRec(long id, long parent, long parentSeq, long createdSeq, long headVolume) {
            this.id = id;
            this.parent = parent;
            this.parentSeq = parentSeq;
            this.createdSeq = createdSeq;
            this.headVolume = headVolume;
            this.lastSeq = createdSeq;
        }

        void addView(long seq) {
            views.merge(seq, 1, Integer::sum);
        }

        void removeView(long seq) {
            views.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }

        /** Is a version written at {@code seq} and superseded at {@code next} seen by any view? */
        boolean needed(long seq, long next) {
            Long v = views.ceilingKey(seq);
            return v != null && v < next;
        }

        boolean referenced() {
            return headVolume != 0 || !views.isEmpty();
        }
    }

    record SnapRec(long id, long volumeId, String volumeName, String name, long lineage, long seq,
                   long parentId, long sizeBytes, long createdMillis) {
        SnapRec withParent(long p) {
            return new SnapRec(id, volumeId, volumeName, name, lineage, seq, p, sizeBytes, createdMillis);
        }
    }

    final Map<String, VolumeRec> volumesByName = new ConcurrentHashMap<>();
    final Map<Long, VolumeRec> volumes = new ConcurrentHashMap<>();
    final Map<Long, LineageRec> lineages = new ConcurrentHashMap<>();
    final Map<Long, SnapRec> snapshots = new ConcurrentHashMap<>();
    /** Live stored bytes per segment; guarded by the index writer lock. */
    final Map<Long, Long> segmentLive = new HashMap<>();
    final Set<Long> dirtySegments = new HashSet<>();
    final Set<Long> dirtyLineages = new HashSet<>();
    final Set<Long> graveyard = new HashSet<>();
    final Set<Long> reclaimQueue = new HashSet<>();
    long nextId = 1;
    SegmentLog.Position replayFrom = new SegmentLog.Position(1, 0);
    long nextSeq = 1;
    long cleaning;

    // ---- accounting, under the index writer lock ----

    void use(long lineage, Loc loc) {
        account(lineage, loc, +1);
    }

    void free(long lineage, Loc loc) {
        account(lineage, loc, -1);
    }

    private void account(long lineage, Loc loc, int sign) {
        if (loc.zero()) {
            return;
        }
        segmentLive.merge(loc.segment(), (long) sign * loc.length(), Long::sum);
        dirtySegments.add(loc.segment());
        LineageRec l = lineages.get(lineage);
        if (l != null) {
            l.liveBytes += (long) sign * loc.length();
            dirtyLineages.add(lineage);
        }
    }

    long newId() {
        return nextId++;
    }

    // ---- persistence ----

    void load(Index index, Txn<ByteBuffer> txn) {
        index.scanCatalog(txn, "v/", (k, v) -> {
            VolumeRec r = decodeVolume(v);
            volumes.put(r.id, r);
            volumesByName.put(r.name, r);
        });
        index.scanCatalog(txn, "l/", (k, v) -> {
            LineageRec r = decodeLineage(v);
            lineages.put(r.id, r);
        });
        index.scanCatalog(txn, "s/", (k, v) -> {
            SnapRec r = decodeSnap(v);
            snapshots.put(r.id, r);
        });
        index.scanCatalog(txn, "u/", (k, v) -> segmentLive.put(Long.parseLong(k.substring(2)), ByteBuffer.wrap(v).getLong()));
        index.scanCatalog(txn, "g/", (k, v) -> graveyard.add(Long.parseLong(k.substring(2))));
        index.scanCatalog(txn, "r/", (k, v) -> reclaimQueue.add(Long.parseLong(k.substring(2))));
        byte[] m = index.getCatalog(txn, "m/state");
        if (m != null) {
            ByteBuffer b = ByteBuffer.wrap(m);
            nextId = b.getLong();
            nextSeq = b.getLong();
            replayFrom = new SegmentLog.Position(b.getLong(), b.getLong());
            cleaning = b.getLong();
        }
        for (LineageRec l : lineages.values()) {
            if (l.parent != 0) {
                LineageRec p = lineages.get(l.parent);
                if (p != null) {
                    p.addView(l.parentSeq);
                }
            }
        }
        for (SnapRec s : snapshots.values()) {
            LineageRec l = lineages.get(s.lineage());
            if (l != null) {
                l.addView(s.seq());
            }
        }
    }

    void saveState(Index index, Txn<ByteBuffer> txn) {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.putLong(nextId).putLong(nextSeq).putLong(replayFrom.segment()).putLong(replayFrom.offset()).putLong(cleaning);
        index.putCatalog(txn, "m/state", b.array());
    }

    /** Writes the counters changed since the last call (segment usage, lineage bytes and versions). */
    void saveDirty(Index index, Txn<ByteBuffer> txn) {
        for (long s : dirtySegments) {
            Long live = segmentLive.get(s);
            if (live == null) {
                index.deleteCatalog(txn, "u/" + s);
            } else {
                index.putCatalog(txn, "u/" + s, ByteBuffer.allocate(8).putLong(live).array());
            }
        }
        dirtySegments.clear();
        for (long l : dirtyLineages) {
            LineageRec r = lineages.get(l);
            if (r != null) {
                saveLineage(index, txn, r);
            }
        }
        dirtyLineages.clear();
    }

    void saveVolume(Index index, Txn<ByteBuffer> txn, VolumeRec v) {
        index.putCatalog(txn, "v/" + v.id, encode(out -> {
            out.writeLong(v.id);
            out.writeUTF(v.name);
            out.writeLong(v.sizeBytes);
            out.writeBoolean(v.compression);
            out.writeLong(v.head);
            out.writeLong(v.parentSnapshot);
            out.writeLong(v.createdMillis);
        }));
    }

    void saveLineage(Index index, Txn<ByteBuffer> txn, LineageRec l) {
        index.putCatalog(txn, "l/" + l.id, encode(out -> {
            out.writeLong(l.id);
            out.writeLong(l.parent);
            out.writeLong(l.parentSeq);
            out.writeLong(l.createdSeq);
            out.writeLong(l.headVolume);
            out.writeLong(l.lastSeq);
            out.writeLong(l.liveBytes);
        }));
    }

    void saveSnap(Index index, Txn<ByteBuffer> txn, SnapRec s) {
        index.putCatalog(txn, "s/" + s.id(), encode(out -> {
            out.writeLong(s.id());
            out.writeLong(s.volumeId());
            out.writeUTF(s.volumeName());
            out.writeUTF(s.name());
            out.writeLong(s.lineage());
            out.writeLong(s.seq());
            out.writeLong(s.parentId());
            out.writeLong(s.sizeBytes());
            out.writeLong(s.createdMillis());
        }));
    }

    private static VolumeRec decodeVolume(byte[] b) {
        return decode(b, in -> new VolumeRec(in.readLong(), in.readUTF(), in.readLong(), in.readBoolean(),
                in.readLong(), in.readLong(), in.readLong()));
    }

    private static LineageRec decodeLineage(byte[] b) {
        return decode(b, in -> {
            LineageRec l = new LineageRec(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            l.lastSeq = in.readLong();
            l.liveBytes = in.readLong();
            return l;
        });
    }

    private static SnapRec decodeSnap(byte[] b) {
        return decode(b, in -> new SnapRec(in.readLong(), in.readLong(), in.readUTF(), in.readUTF(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong()));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] b, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt catalog record", e);
        }
    }
}
