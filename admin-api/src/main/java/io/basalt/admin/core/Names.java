package io.basalt.admin.core;

/** Patterns of names the API accepts, shared by DTO validation and services. */
public final class Names {
    /** Volume and snapshot names: what the engine accepts. */
    public static final String OBJECT = "(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,128}";
    public static final String OBJECT_MESSAGE = "must be 1..128 characters of [A-Za-z0-9._:-], and not . or ..";

    private static final java.util.regex.Pattern OBJECT_PATTERN = java.util.regex.Pattern.compile(OBJECT);
    private static final java.util.regex.Pattern ISCSI_PATTERN;

    /**
     * iSCSI names (RFC 7143 §4.2.7.2 iqn., §4.2.7.3 eui., §4.2.7.4 naa.), in the lower-case
     * form stringprep (RFC 3722) normalises them to, so one initiator has one spelling. At
     * most 223 bytes (§4.2.7.1).
     */
    public static final String ISCSI = "(?=.{1,223}$)(iqn\\.[0-9]{4}-[0-9]{2}\\.[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[a-z0-9.:-]+)?"
            + "|eui\\.[0-9A-F]{16}|naa\\.([0-9A-F]{16}|[0-9A-F]{32}))";
    public static final String ISCSI_MESSAGE = "must be an iSCSI name in lower case: iqn.YYYY-MM.reversed.domain[:id], eui.<16 hex> or naa.<16|32 hex>";

    /** CHAP user names: printable ASCII without spaces. */
    public static final String CHAP_USER = "[!-~]{1,255}";
    public static final String CHAP_USER_MESSAGE = "must be 1..255 printable ASCII characters without spaces";

    static {
        ISCSI_PATTERN = java.util.regex.Pattern.compile(ISCSI);
    }

    private Names() {
    }

    /** Whether a volume or snapshot name is valid (an invalid one cannot exist). */
    public static boolean isObject(String name) {
        return name != null && OBJECT_PATTERN.matcher(name).matches();
    }

    /** Whether an iSCSI name is valid (an invalid one cannot be registered). */
    public static boolean isIscsi(String name) {
        return name != null && ISCSI_PATTERN.matcher(name).matches();
    }
}
