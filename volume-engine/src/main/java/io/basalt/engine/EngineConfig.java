package io.basalt.engine;

import java.time.Duration;

/**
 * Tunables of a {@link BlockEngine}. Defaults suit a storage node; tests shrink segments so
 * that roll-over and cleaning happen within a few megabytes.
 */
public final class EngineConfig {
    long segmentBytes = 64L << 20;
    Duration checkpointInterval = Duration.ofSeconds(5);
    int checkpointEntries = 65_536;
    int maxPendingEntries = 1 << 20;
    long readCacheBytes = 64L << 20;
    int locationCacheEntries = 524_288;
    long reserveBytes = 256L << 20;
    long lmdbMapBytes = 64L << 30;
    CleanerPolicy cleanerPolicy = CleanerPolicy.defaults();
    boolean backgroundCleaner = true;
    boolean preallocateSegments = true;
    boolean zeroFillSegments = true;

    public static EngineConfig defaults() {
        return new EngineConfig();
    }

    /** Segment file size; records never straddle segments. At least 1 MiB + one record. */
    public EngineConfig segmentBytes(long bytes) {
        if (bytes < (1 << 20) + (64 << 10)) {
            throw new IllegalArgumentException("segmentBytes must be >= 1088 KiB, got " + bytes);
        }
        this.segmentBytes = bytes;
        return this;
    }

    /**
     * How often appended writes are folded into the LMDB index when nothing else triggers it.
     * A commit's cost follows the index pages it dirties, and random writes dirty nearly every
     * leaf page of a volume's index within a second: folding every 5 s instead of every 500 ms
     * writes the index out about ten times less often, and each commit's write-out (its
     * fdatasync of many megabytes) holds up the log's syncs behind it in the disk's queue. The
     * price is a longer log tail to replay after a crash.
     */
    public EngineConfig checkpointInterval(Duration interval) {
        this.checkpointInterval = interval;
        return this;
    }

    /**
     * Pending index entries (blocks) that trigger a checkpoint before the interval elapses.
     * One commit copies at most this many leaf pages of the index (random writes to a large
     * volume, each in a different page): 64 Ki pages are 256 MiB, the default reserve.
     */
    public EngineConfig checkpointEntries(int entries) {
        this.checkpointEntries = entries;
        return this;
    }

    /** Bound of the in-memory pending index (back-pressure: writers wait above it). */
    public EngineConfig maxPendingEntries(int entries) {
        this.maxPendingEntries = entries;
        return this;
    }

    /**
     * Index lookups kept in memory, in blocks (about 30 bytes each when neighbouring blocks are
     * cached together, at most about 120 per block of capacity when reads are scattered; see
     * {@link LocationCache}). The default covers 2 GiB of hot 4 KiB blocks when they are
     * clustered, 512 MiB when every block is in a different run of 16. A read whose blocks all
     * hit skips LMDB. 0 disables the cache.
     */
    public EngineConfig locationCacheEntries(int entries) {
        this.locationCacheEntries = entries;
        return this;
    }

    /** Bytes of decoded blocks kept in the read cache; 0 disables it. */
    public EngineConfig readCacheBytes(long bytes) {
        this.readCacheBytes = bytes;
        return this;
    }

    /** Free space below which writes fail with NO_SPACE, so that index commits can always proceed. */
    public EngineConfig reserveBytes(long bytes) {
        this.reserveBytes = bytes;
        return this;
    }

    /** Virtual size of the LMDB map (the file grows only as used). */
    public EngineConfig lmdbMapBytes(long bytes) {
        this.lmdbMapBytes = bytes;
        return this;
    }

    public EngineConfig cleanerPolicy(CleanerPolicy policy) {
        this.cleanerPolicy = policy;
        return this;
    }

    /** Whether the cleaner runs by itself; when off it runs only through {@link BlockEngine#clean()}. */
    public EngineConfig backgroundCleaner(boolean on) {
        this.backgroundCleaner = on;
        return this;
    }

    /**
     * Whether new segments get their full length when created (sparse), so that reads are
     * served from a read-only mapping and appends never change the file size.
     */
    public EngineConfig preallocateSegments(boolean on) {
        this.preallocateSegments = on;
        return this;
    }

    /**
     * Whether segment files are written out with zeros ahead of use (with preallocation):
     * spares while the log is idle (up to 8 free files, recycled ones included), and a new
     * segment when the one before it saw durable writes. Appends to such a file overwrite
     * allocated blocks, so fdatasync flushes data only, without a block-allocation journal
     * commit: about twice the durable writes per second. Under a load without syncs a new
     * segment stays sparse: zero-filling then would only double the bytes written.
     */
    public EngineConfig zeroFillSegments(boolean on) {
        this.zeroFillSegments = on;
        return this;
    }

    /** Whether segment files get zero-filled at all (it needs them preallocated). */
    boolean zeroFills() {
        return preallocateSegments && zeroFillSegments;
    }
}
