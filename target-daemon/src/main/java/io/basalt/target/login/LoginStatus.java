package io.basalt.target.login;

/**
 * Status-Class and Status-Detail of a Login Response (RFC 7143 §11.13.5), as the 16-bit value
 * whose high byte is the class. Any non-zero class ends the login and the connection.
 */
public enum LoginStatus {
    SUCCESS(0x0000),
    TARGET_MOVED_TEMPORARILY(0x0101),
    TARGET_MOVED_PERMANENTLY(0x0102),
    INITIATOR_ERROR(0x0200),
    AUTHENTICATION_FAILURE(0x0201),
    AUTHORIZATION_FAILURE(0x0202),
    NOT_FOUND(0x0203),
    TARGET_REMOVED(0x0204),
    UNSUPPORTED_VERSION(0x0205),
    TOO_MANY_CONNECTIONS(0x0206),
    MISSING_PARAMETER(0x0207),
    CANT_INCLUDE_IN_SESSION(0x0208),
    SESSION_TYPE_NOT_SUPPORTED(0x0209),
    SESSION_DOES_NOT_EXIST(0x020a),
    INVALID_DURING_LOGIN(0x020b),
    TARGET_ERROR(0x0300),
    SERVICE_UNAVAILABLE(0x0301),
    OUT_OF_RESOURCES(0x0302);

    private final int code;

    LoginStatus(int code) {
        this.code = code;
    }

    /** Class and detail together, as written by {@code LoginResponse.Builder#status}. */
    public int code() {
        return code;
    }

    public int statusClass() {
        return code >> 8;
    }

    public int statusDetail() {
        return code & 0xff;
    }

    public boolean isSuccess() {
        return code == 0;
    }
}
