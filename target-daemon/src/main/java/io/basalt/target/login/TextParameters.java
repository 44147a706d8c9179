package io.basalt.target.login;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered list of key=value pairs in the text format of RFC 7143 §6.1: UTF-8, each pair
 * followed by one NUL. Keys may repeat (SendTargets answers list several TargetAddress keys);
 * the login negotiator enforces its own once-only rule.
 *
 * <p>Text that spans several PDUs (C bit) must be assembled first, see {@link TextAccumulator}.
 */
public final class TextParameters {
    /** RFC 7143 §6.1: key names are at most 63 bytes. */
    public static final int MAX_KEY_LENGTH = 63;
    /**
     * Longest value accepted. RFC 7143 §6.1 allows 255 bytes unless a key says otherwise; CHAP
     * binary values go to 1024 bytes (§12.1.3), about 2050 characters in hex.
     */
    public static final int MAX_VALUE_LENGTH = 8192;

    private static final TextParameters EMPTY = new TextParameters(List.of());

    /** One pair. */
    public record KeyValue(String key, String value) {
    }

    private final List<KeyValue> entries;

    private TextParameters(List<KeyValue> entries) {
        this.entries = List.copyOf(entries);
    }

    public static TextParameters empty() {
        return EMPTY;
    }

    /** From alternating keys and values, e.g. {@code of("HeaderDigest", "None")}. */
    public static TextParameters of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Builder b = builder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.add(keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Decodes a data segment without consuming or releasing it. */
    public static TextParameters decode(ByteBuf text) throws TextFormatException {
        return decode(ByteBufUtil.getBytes(text));
    }

    /**
     * Decodes text. NUL bytes with nothing between them are skipped, and a last pair without its
     * NUL is accepted: both are harmless slips some initiators make.
     */
    public static TextParameters decode(byte[] text) throws TextFormatException {
        List<KeyValue> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == 0) {
                if (i > start) {
                    entries.add(pair(text, start, i));
                }
                start = i + 1;
            }
        }
        return new TextParameters(entries);
    }

    private static KeyValue pair(byte[] text, int start, int end) throws TextFormatException {
        int eq = start;
        while (eq < end && text[eq] != '=') {
            eq++;
        }
        if (eq == end) {
            throw new TextFormatException("no '=' in \"" + printable(text, start, end) + "\"");
        }
        String key = new String(text, start, eq - start, StandardCharsets.US_ASCII);
        checkKey(key);
        if (end - eq - 1 > MAX_VALUE_LENGTH) {
            throw new TextFormatException("value of " + key + " is " + (end - eq - 1) + " bytes, over "
                    + MAX_VALUE_LENGTH);
        }
        return new KeyValue(key, utf8(text, eq + 1, end - eq - 1, key));
    }

    /** RFC 7143 §6.1: letters, digits and . - + @ _ only, 1 to 63 of them. */
    static void checkKey(String key) throws TextFormatException {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new TextFormatException("key of " + key.length() + " characters (1.." + MAX_KEY_LENGTH + ")");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '+' || c == '@' || c == '_';
            if (!ok) {
                throw new TextFormatException("key \"" + printable(key) + "\" has a character outside [A-Za-z0-9.-+@_]");
            }
        }
    }

    private static String utf8(byte[] text, int off, int len, String key) throws TextFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TextFormatException("value of " + key + " is not UTF-8");
        }
    }

    private static String printable(byte[] text, int start, int end) {
        return printable(new String(text, start, Math.min(end - start, 64), StandardCharsets.ISO_8859_1));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** The wire form: each pair as UTF-8 followed by a NUL. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (KeyValue kv : entries) {
            out.writeBytes(kv.key().getBytes(StandardCharsets.US_ASCII));
            out.write('=');
            out.writeBytes(kv.value().getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    public List<KeyValue> entries() {
        return entries;
    }

    /** The first value of a key. */
    public Optional<String> get(String key) {
        for (KeyValue kv : entries) {
            if (kv.key().equals(key)) {
                return Optional.of(kv.value());
            }
        }
        return Optional.empty();
    }

    public boolean contains(String key) {
        return get(key).isPresent();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextParameters other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Collects pairs in order; rejects keys and values that could not be encoded back. */
    public static final class Builder {
        private final List<KeyValue> entries = new ArrayList<>();

        private Builder() {
        }

        public Builder add(String key, String value) {
            try {
                checkKey(key);
            } catch (TextFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("value of " + key + " contains NUL");
            }
            entries.add(new KeyValue(key, value));
            return this;
        }

        public Builder addAll(TextParameters other) {
            entries.addAll(other.entries);
            return this;
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        public TextParameters build() {
            return entries.isEmpty() ? EMPTY : new TextParameters(entries);
        }
    }
}
