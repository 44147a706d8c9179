package io.basalt.target.login;

/**
 * Text that breaks the RFC 7143 §6.1 key=value format or a value syntax. Checked, because the
 * caller must turn it into an answer: a login reject (initiator error) or a "Reject" value.
 */
public final class TextFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public TextFormatException(String message) {
        super(message);
    }
}
