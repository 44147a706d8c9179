package io.basalt.admin.api;

/**
 * Capacity and engine counters of the node answering.
 *
 * @param capacity         the data directory's file system
 * @param provisionedBytes sum of volume sizes (thin provisioning: may exceed capacity)
 * @param storedBytes      sum of the volumes' stored bytes
 * @param volumes          number of volumes
 * @param snapshots        number of snapshots (including those of deleted volumes clones use)
 * @param engine           the engine's own figures
 */
public record StatsView(Capacity capacity, long provisionedBytes, long storedBytes, int volumes, int snapshots, Engine engine) {
    /**
     * @param totalBytes size of the file system holding the data directory
     * @param freeBytes  bytes still usable there
     */
    public record Capacity(long totalBytes, long freeBytes) {
    }

    /**
     * @param segments        segment files in the log
     * @param segmentBytes    size of one segment
     * @param liveBytes       bytes of live data in segments
     * @param syncs           fdatasyncs done
     * @param syncedWrites    writes acknowledged durable
     * @param checkpoints     index checkpoints done
     * @param segmentsCleaned segments the cleaner has freed
     * @param bytesCleaned    bytes the cleaner has copied
     */
    public record Engine(long segments, long segmentBytes, long liveBytes, long syncs, long syncedWrites, long checkpoints,
                         long segmentsCleaned, long bytesCleaned) {
    }
}
