package io.basalt.target.scsi;

/**
 * The mode pages Basalt implements, each with its current, changeable and default values
 * (SPC-5 §7.5). Changeable bits: WCE (Caching) and SWP (Control).
 */
enum ModePage {
    /** Caching (SBC-4 §6.5.5): WCE=1, a volatile write cache that FUA and SYNCHRONIZE CACHE flush. */
    CACHING(0x08, 20) {
        @Override
        byte[] current(ModeParameters p) {
            byte[] b = header();
            b[2] = (byte) (p.writeCacheEnabled() ? 0x04 : 0);
            return b;
        }

        @Override
        byte[] changeable() {
            byte[] b = header();
            b[2] = 0x04;
            return b;
        }

        @Override
        ModeParameters apply(ModeParameters p, byte[] page) {
            return new ModeParameters((page[2] & 0x04) != 0, p.softwareWriteProtect());
        }
    },
    /**
     * Control (SPC-5 §7.5.8): TST=001b (a task set per I_T nexus: task attributes order only
     * the commands of one session, and CLEAR TASK SET clears only its own), QUEUE ALGORITHM
     * MODIFIER=1 (unrestricted reordering of simple commands),
     * D_SENSE=0 (fixed-format sense), SWP changeable, BUSY TIMEOUT PERIOD unlimited.
     */
    CONTROL(0x0a, 12) {
        @Override
        byte[] current(ModeParameters p) {
            byte[] b = header();
            b[2] = 0x20;
            b[3] = 0x10;
            b[4] = (byte) (p.softwareWriteProtect() ? 0x08 : 0);
            Cdb.put16(b, 8, 0xffff);
            return b;
        }

        @Override
        byte[] changeable() {
            byte[] b = header();
            b[4] = 0x08;
            return b;
        }

        @Override
        ModeParameters apply(ModeParameters p, byte[] page) {
            return new ModeParameters(p.writeCacheEnabled(), (page[4] & 0x08) != 0);
        }
    },
    /** Informational Exceptions Control (SPC-5 §7.5.14): DEXCPT=1, nothing is reported. */
    INFORMATIONAL_EXCEPTIONS(0x1c, 12) {
        @Override
        byte[] current(ModeParameters p) {
            byte[] b = header();
            b[2] = 0x08;
            return b;
        }

        @Override
        byte[] changeable() {
            return header();
        }

        @Override
        ModeParameters apply(ModeParameters p, byte[] page) {
            return p;
        }
    };

    static final int ALL_PAGES = 0x3f;

    private final int code;
    private final int length;

    ModePage(int code, int length) {
        this.code = code;
        this.length = length;
    }

    int code() {
        return code;
    }

    /** Total page length including the two header bytes. */
    int length() {
        return length;
    }

    abstract byte[] current(ModeParameters p);

    /** Changeable values: 1 bits mark what MODE SELECT may change. */
    abstract byte[] changeable();

    /** Takes the changeable bits of {@code page} (already validated) into new parameters. */
    abstract ModeParameters apply(ModeParameters p, byte[] page);

    byte[] defaults() {
        return current(ModeParameters.DEFAULTS);
    }

    /** The page for PAGE CONTROL 00b (current), 01b (changeable) or 10b (default). */
    byte[] forPageControl(int pageControl, ModeParameters p) {
        return switch (pageControl) {
            case 0 -> current(p);
            case 1 -> changeable();
            default -> defaults();
        };
    }

    byte[] header() {
        byte[] b = new byte[length];
        b[0] = (byte) code;
        b[1] = (byte) (length - 2);
        return b;
    }

    /** The page with this code, or null. */
    static ModePage of(int code) {
        for (ModePage p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
