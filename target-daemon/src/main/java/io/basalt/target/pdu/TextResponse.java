package io.basalt.target.pdu;

/** Builds a Text Response (RFC 7143 §11.11). */
public final class TextResponse {
    private TextResponse() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.TEXT_RESPONSE, 0x80);
            Bytes.put32(bhs, 20, Pdu.NO_TAG);
        }

        /** F: this is the last response of the exchange (set by default). */
        public Builder finalFlag(boolean last) {
            return flag(0x80, last);
        }

        public Builder continues(boolean continues) {
            return flag(0x40, continues);
        }

        public Builder lun(long lun) {
            return lunField(lun);
        }

        /** Must be 0xffffffff (the default) on the final response (RFC 7143 §11.11.4). */
        public Builder targetTransferTag(int ttt) {
            Bytes.put32(bhs, 20, ttt);
            return this;
        }

        public Builder text(byte[] text) {
            return dataField(text);
        }
    }
}
