package io.basalt.engine;

import java.util.List;

/**
 * Result of verifying every stored block of a volume against its checksum.
 *
 * @param blocksChecked    number of stored blocks read and verified
 * @param damagedOffsets   byte offsets of blocks whose checksum failed (at most 1,000 listed)
 */
public record ScrubReport(long blocksChecked, List<Long> damagedOffsets) {
    public boolean clean() {
        return damagedOffsets.isEmpty();
    }
}
