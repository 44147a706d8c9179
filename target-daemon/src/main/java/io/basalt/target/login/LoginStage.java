package io.basalt.target.login;

/** The CSG/NSG stage codes of the Login Phase (RFC 7143 §11.12.3); code 2 is reserved. */
public enum LoginStage {
    SECURITY(0),
    OPERATIONAL(1),
    FULL_FEATURE(3);

    private final int code;

    LoginStage(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @return the stage, or null for the reserved code 2 (or anything outside 0-3) */
    public static LoginStage fromCode(int code) {
        switch (code) {
            case 0:
                return SECURITY;
            case 1:
                return OPERATIONAL;
            case 3:
                return FULL_FEATURE;
            default:
                return null;
        }
    }
}
