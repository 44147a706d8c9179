package io.basalt.engine;

/**
 * A volume as seen from outside the engine.
 *
 * @param id              stable numeric id (never reused); the iSCSI layer derives the NAA identifier from it
 * @param name            unique name
 * @param sizeBytes       logical size
 * @param compression     LZ4 compression on
 * @param version         the volume's version id: the sequence number of its newest change
 * @param storedBytes     bytes of block data stored for this volume's own history (head and its snapshots),
 *                        not counting blocks shared with the snapshot it was cloned from
 * @param parentSnapshot  id of the snapshot the volume's current state descends from, or 0
 * @param createdMillis   creation time
 */
public record VolumeInfo(long id, String name, long sizeBytes, boolean compression, long version,
                         long storedBytes, long parentSnapshot, long createdMillis) {
}
