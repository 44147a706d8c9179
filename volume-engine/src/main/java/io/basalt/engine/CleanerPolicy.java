package io.basalt.engine;

import java.time.Duration;

/**
 * Which segments the cleaner cleans and how fast: policy, kept apart from the mechanism in
 * {@link SegmentCleaner}.
 *
 * @param maxLiveRatio       only segments whose live bytes are below this fraction are cleaned
 * @param maxSegmentsPerPass upper bound of segments cleaned in one pass
 * @param bytesPerSecond     copy rate limit (0 = unlimited)
 * @param interval           pause between background passes
 */
public record CleanerPolicy(double maxLiveRatio, int maxSegmentsPerPass, long bytesPerSecond, Duration interval) {
    public static CleanerPolicy defaults() {
        return new CleanerPolicy(0.5, 8, 64L << 20, Duration.ofSeconds(10));
    }

    /** Candidate order: emptiest first. Returns true when a segment qualifies. */
    boolean qualifies(long liveBytes, long segmentBytes) {
        return liveBytes < maxLiveRatio * segmentBytes;
    }
}
