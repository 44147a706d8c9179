package io.basalt.engine;

/**
 * What a caller asks for when creating a volume. Creating a volume that exists with an equal
 * spec is not an error (idempotent create), so this is a value with equality.
 *
 * @param name        unique name, 1..128 characters of [A-Za-z0-9._:-]
 * @param sizeBytes   logical size, a positive multiple of 4096
 * @param compression whether blocks are stored LZ4-compressed when that saves space
 */
public record VolumeSpec(String name, long sizeBytes, boolean compression) {
    public VolumeSpec {
        Names.check(name, "volume name");
        if (sizeBytes <= 0 || sizeBytes % Blocks.BLOCK_SIZE != 0) {
            throw new EngineException(EngineException.Kind.INVALID_ARGUMENT,
                    "volume size must be a positive multiple of " + Blocks.BLOCK_SIZE + ", got " + sizeBytes);
        }
    }
}
