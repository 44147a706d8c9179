package io.basalt.target.login;

/** The SessionType key (RFC 7143 §13.21); Normal is the default when the key is absent. */
public enum SessionType {
    NORMAL("Normal"),
    DISCOVERY("Discovery");

    private final String value;

    SessionType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** @return the type, or null if the value names none */
    static SessionType fromValue(String value) {
        for (SessionType t : values()) {
            if (t.value.equals(value)) {
                return t;
            }
        }
        return null;
    }
}
