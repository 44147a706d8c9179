package io.basalt.engine;

/**
 * A run of 4 KiB blocks that differ between two versions of a volume.
 *
 * @param byteOffset first changed byte
 * @param length     length in bytes, a multiple of 4096
 * @param zero       true when the newer version reads zeros there (unmapped or zero-written),
 *                   so a catch-up may send an unmap instead of data
 */
public record ChangedExtent(long byteOffset, long length, boolean zero) {
}
