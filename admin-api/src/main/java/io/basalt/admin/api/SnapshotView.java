package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A snapshot; in lists, a node of the snapshot tree with its children nested.
 *
 * @param name           unique per volume
 * @param id             stable id
 * @param volume         the volume it was taken of
 * @param sizeBytes      the volume's size when taken
 * @param version        the version it captured
 * @param createdAt      ISO-8601
 * @param parent         the snapshot the volume descended from when this was taken, or null
 * @param exclusiveBytes bytes only this snapshot keeps (freed by deleting it); only on GET of one
 * @param children       snapshots taken later on top of this one's state
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotView(String name, long id, String volume, long sizeBytes, long version, String createdAt,
                           String parent, Long exclusiveBytes, List<SnapshotView> children) {
}
