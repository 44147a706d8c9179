package io.basalt.target.scsi;

/**
 * The changeable mode parameters of a logical unit (current values; saving is not supported,
 * so a restart or a logical unit reset restores the defaults).
 *
 * @param writeCacheEnabled Caching page WCE (SBC-4 §6.5.5): when cleared, every write is FUA
 * @param softwareWriteProtect Control page SWP (SPC-5 §7.5.8): writes fail with DATA PROTECT
 */
record ModeParameters(boolean writeCacheEnabled, boolean softwareWriteProtect) {
    static final ModeParameters DEFAULTS = new ModeParameters(true, false);
}
