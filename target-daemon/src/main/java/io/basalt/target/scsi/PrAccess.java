package io.basalt.target.scsi;

/**
 * How a command behaves when another I_T nexus holds a persistent reservation (SPC-5 §5.14.2,
 * table 72; SBC-4 §4.17, table 14). The per-type rules live in {@link ReservationCheck}.
 */
public enum PrAccess {
    /** Never conflicts (INQUIRY, READ CAPACITY, REPORT LUNS, PR IN/OUT, ...). */
    ALLOWED,
    /** Reads medium or device state: allowed under Write Exclusive types. */
    READ,
    /** Changes the medium or device state: allowed only to the holder or permitted registrants. */
    WRITE
}
