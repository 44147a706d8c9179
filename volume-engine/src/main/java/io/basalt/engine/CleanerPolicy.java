package io.basalt.engine;

import java.time.Duration;

/**
 * Which segments the cleaner cleans, how fast and when: policy, kept apart from the mechanism
 * in {@link SegmentCleaner}.
 *
 * <p>When: the background cleaner looks every second (or every {@code interval}, if shorter)
 * and runs a pass at most every {@code interval}, only while the engine is idle (since its last
 * look, fewer than 64 reads and writes and under 1 MiB written, see {@link IdleMeter}) unless
 * the data directory's file system is short of space ({@code busyFreeRatio}, or no more than
 * the reserve and four segments left); a pass started while idle stops between segments when
 * I/O comes back (a segment being copied is finished first). Space is then reclaimed in the quiet moments
 * instead of taking CPU and disk from the I/O it serves, the way F2FS separates background
 * from foreground cleaning. An explicit {@link BlockEngine#clean()} runs regardless. Segments
 * with no live bytes at all are retired every quarter second, under load too: nothing is copied.
 *
 * @param maxLiveRatio       only segments whose live bytes are below this fraction are cleaned
 * @param maxSegmentsPerPass upper bound of segments cleaned in one pass
 * @param bytesPerSecond     copy rate limit (0 = unlimited)
 * @param interval           least pause between background passes
 * @param busyFreeRatio      below this fraction of free space the cleaner also runs under load
 */
public record CleanerPolicy(double maxLiveRatio, int maxSegmentsPerPass, long bytesPerSecond, Duration interval,
                            double busyFreeRatio) {
    /** Cleans under load when less than a fifth of the file system is free. */
    public static final double DEFAULT_BUSY_FREE_RATIO = 0.2;

    public CleanerPolicy(double maxLiveRatio, int maxSegmentsPerPass, long bytesPerSecond, Duration interval) {
        this(maxLiveRatio, maxSegmentsPerPass, bytesPerSecond, interval, DEFAULT_BUSY_FREE_RATIO);
    }

    public static CleanerPolicy defaults() {
        return new CleanerPolicy(0.5, 8, 64L << 20, Duration.ofSeconds(10));
    }

    /** Candidate order: emptiest first. Returns true when a segment qualifies. */
    boolean qualifies(long liveBytes, long segmentBytes) {
        return liveBytes < maxLiveRatio * segmentBytes;
    }

    /** Whether space is short enough to clean while the engine serves I/O. */
    boolean cleansUnderLoad(long usableBytes, long totalBytes) {
        return usableBytes < busyFreeRatio * totalBytes;
    }
}
