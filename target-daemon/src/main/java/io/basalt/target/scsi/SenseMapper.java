package io.basalt.target.scsi;

import io.basalt.engine.EngineException;
import io.basalt.engine.MediumErrorException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place storage failures become sense data. Callers branch on {@link EngineException#kind()},
 * never on messages.
 */
public final class SenseMapper {
    private static final Logger LOG = Logger.getLogger(SenseMapper.class.getName());

    private SenseMapper() {
    }

    /**
     * Sense for a failure of a command whose first LBA is {@code firstLba} (0 if it has none).
     * <ul>
     * <li>MEDIUM_ERROR: MEDIUM ERROR, UNRECOVERED READ ERROR, INFORMATION = first bad LBA of the
     * request (SBC-4 §4.18: the engine reports its 4 KiB block, which may start before it);
     * <li>NO_SPACE: DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (SBC-4 §4.7.3.6, the
     * thin-provisioning "out of space" answer);
     * <li>INVALID_ARGUMENT: ILLEGAL REQUEST, LBA OUT OF RANGE (a resize raced the range check);
     * <li>anything else: HARDWARE ERROR, INTERNAL TARGET FAILURE.
     * </ul>
     */
    public static Sense toSense(Throwable failure, int blockSize, long firstLba) {
        Throwable t = unwrap(failure);
        if (t instanceof MediumErrorException m) {
            long lba = Math.max(m.byteOffset() / blockSize, firstLba);
            return Sense.of(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR).withInformation(lba);
        }
        if (t instanceof EngineException e) {
            switch (e.kind()) {
                case NO_SPACE:
                    return Sense.of(SenseKey.DATA_PROTECT, Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
                case INVALID_ARGUMENT:
                    return Sense.lbaOutOfRange();
                case MEDIUM_ERROR:
                    return Sense.of(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
                default:
                    LOG.log(Level.WARNING, "engine failure (" + e.kind() + ") reported as INTERNAL TARGET FAILURE", e);
                    return Sense.of(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
            }
        }
        LOG.log(Level.SEVERE, "unexpected failure in the SCSI layer", t);
        return Sense.of(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
