package io.basalt.engine;

/**
 * A read-only point-in-time image of a volume. Snapshots form a tree: {@code parentId} is the
 * snapshot this one's volume state descended from when it was taken (0 for a root).
 *
 * @param id            stable id, never reused
 * @param volume        name of the volume it was taken of (may since have been deleted: then empty)
 * @param name          name, unique per volume
 * @param parentId      parent in the snapshot tree, or 0
 * @param version       the version id the snapshot captured
 * @param sizeBytes     the volume's size when it was taken
 * @param createdMillis creation time
 */
public record SnapshotInfo(long id, String volume, String name, long parentId, long version,
                           long sizeBytes, long createdMillis) {
}
