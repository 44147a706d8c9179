package io.basalt.target.scsi;

/** Which way a command moves data: to the initiator (Data-In), from it (Data-Out), or neither. */
public enum DataDirection {
    NONE,
    IN,
    OUT
}
