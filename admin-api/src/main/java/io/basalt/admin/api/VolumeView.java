package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A volume as the API shows it.
 *
 * @param name          unique name
 * @param id            stable numeric id
 * @param sizeBytes     logical size
 * @param compression   LZ4 on
 * @param replicas      copies kept (1 until replication exists)
 * @param state         "online"
 * @param usage         space used
 * @param version       sequence number of its newest change
 * @param parentSnapshot the snapshot its current state descends from (its latest snapshot, the one it was
 *                      reverted to, or the one it was cloned from), or null
 * @param snapshotCount snapshots it has
 * @param exported      whether an iSCSI export serves it; absent while ZooKeeper is unreachable
 * @param createdAt     ISO-8601 creation time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeView(String name, long id, long sizeBytes, boolean compression, int replicas, String state,
                         Usage usage, long version, SnapshotRef parentSnapshot, int snapshotCount, Boolean exported, String createdAt) {

    /**
     * @param storedBytes      bytes stored for this volume's own history (head and snapshots),
     *                         not counting blocks shared with the snapshot it was cloned from
     * @param provisionedBytes its logical size
     */
    public record Usage(long storedBytes, long provisionedBytes) {
    }

    /** A snapshot named by its volume and name; {@code volume} is null when that volume is gone. */
    public record SnapshotRef(String volume, String snapshot) {
    }
}
