package io.basalt.target.pdu;

/**
 * Which CRC32C digests a connection carries (RFC 7143 §13.1 HeaderDigest/DataDigest).
 *
 * <p>Also the in-band message that switches a {@link PduEncoder}: writing a {@code Digests}
 * down the pipeline changes the encoder's setting exactly between the PDUs written before it
 * and after it, whatever thread the writes come from.
 */
public record Digests(boolean header, boolean data) {
    public static final Digests NONE = new Digests(false, false);
}
