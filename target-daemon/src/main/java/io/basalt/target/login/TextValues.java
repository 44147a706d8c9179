package io.basalt.target.login;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Value syntaxes of RFC 7143 §6.1: numerical values (decimal or 0x hex) and binary values (0x
 * hex or 0b base64).
 */
final class TextValues {
    private static final HexFormat HEX = HexFormat.of();

    private TextValues() {
    }

    /** A numerical value in [min, max]. */
    static long number(String value, long min, long max) throws TextFormatException {
        long n;
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                n = Long.parseUnsignedLong(value.substring(2), 16);
            } else if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                n = Long.parseLong(value);
            } else {
                throw new TextFormatException("\"" + value + "\" is not a number");
            }
        } catch (NumberFormatException e) {
            throw new TextFormatException("\"" + value + "\" is not a 64-bit number");
        }
        if (n < min || n > max) {
            throw new TextFormatException(n + " is outside " + min + ".." + max);
        }
        return n;
    }

    /** "Yes" or "No", case-sensitive like every iSCSI value (RFC 7143 §6.1). */
    static boolean bool(String value) throws TextFormatException {
        switch (value) {
            case "Yes":
                return true;
            case "No":
                return false;
            default:
                throw new TextFormatException("\"" + value + "\" is not Yes or No");
        }
    }

    /**
     * A binary value of 1 to {@code maxBytes} bytes. An odd count of hex digits is read with an
     * implied leading zero, the lenient reading of RFC 7143 §6.1.
     */
    static byte[] binary(String value, int maxBytes) throws TextFormatException {
        if (value.length() < 3) {
            throw new TextFormatException("binary value \"" + value + "\" is too short");
        }
        String prefix = value.substring(0, 2);
        String body = value.substring(2);
        byte[] bytes;
        try {
            if (prefix.equals("0x") || prefix.equals("0X")) {
                bytes = HEX.parseHex(body.length() % 2 == 0 ? body : "0" + body);
            } else if (prefix.equals("0b") || prefix.equals("0B")) {
                bytes = Base64.getDecoder().decode(body);
            } else {
                throw new TextFormatException("binary value must start with 0x or 0b");
            }
        } catch (IllegalArgumentException e) {
            throw new TextFormatException("malformed binary value: " + e.getMessage());
        }
        if (bytes.length == 0 || bytes.length > maxBytes) {
            throw new TextFormatException("binary value of " + bytes.length + " bytes (1.." + maxBytes + ")");
        }
        return bytes;
    }

    static String hex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }
}
