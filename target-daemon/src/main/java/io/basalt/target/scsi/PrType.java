package io.basalt.target.scsi;

/** Persistent reservation types (SPC-5 §6.17.3.4, table 182). */
enum PrType {
    WRITE_EXCLUSIVE(0x1, false, false, false),
    EXCLUSIVE_ACCESS(0x3, true, false, false),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, false, true, false),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, true, true, false),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, false, false, true),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, true, false, true);

    private final int code;
    private final boolean exclusiveAccess;
    private final boolean registrantsOnly;
    private final boolean allRegistrants;

    PrType(int code, boolean exclusiveAccess, boolean registrantsOnly, boolean allRegistrants) {
        this.code = code;
        this.exclusiveAccess = exclusiveAccess;
        this.registrantsOnly = registrantsOnly;
        this.allRegistrants = allRegistrants;
    }

    int code() {
        return code;
    }

    /** Exclusive Access family: non-holders may not even read. */
    boolean exclusiveAccess() {
        return exclusiveAccess;
    }

    /** Registrants Only or All Registrants: registered nexuses get full access. */
    boolean registrantsHaveAccess() {
        return registrantsOnly || allRegistrants;
    }

    /** All Registrants: every registered nexus is a reservation holder (SPC-5 §5.14.6). */
    boolean allRegistrants() {
        return allRegistrants;
    }

    /** The type for a TYPE field value, or null when it is not a valid type. */
    static PrType fromCode(int code) {
        for (PrType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
