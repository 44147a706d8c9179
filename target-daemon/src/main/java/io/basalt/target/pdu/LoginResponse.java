package io.basalt.target.pdu;

/** Builds a Login Response (RFC 7143 §11.13). */
public final class LoginResponse {
    private LoginResponse() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.LOGIN_RESPONSE, 0);
        }

        /** T: the target agrees to move to the next stage (RFC 7143 §11.13.1). */
        public Builder transit(boolean transit) {
            return flag(0x80, transit);
        }

        /** C: the response text continues in the next Login Response. */
        public Builder continues(boolean continues) {
            return flag(0x40, continues);
        }

        public Builder currentStage(int csg) {
            bhs[1] = (byte) ((bhs[1] & ~0x0c) | ((csg & 0x03) << 2));
            return this;
        }

        /** NSG; meaningful only with T set. */
        public Builder nextStage(int nsg) {
            bhs[1] = (byte) ((bhs[1] & ~0x03) | (nsg & 0x03));
            return this;
        }

        /** Version-max and Version-active; 0 is the only version there is (RFC 7143 §11.13.2). */
        public Builder versions(int max, int active) {
            Bytes.put8(bhs, 2, max);
            Bytes.put8(bhs, 3, active);
            return this;
        }

        /** Echoes the request's ISID. */
        public Builder isid(long isid) {
            Bytes.put48(bhs, 8, isid);
            return this;
        }

        /** The session handle; the final response of a new session carries the new TSIH. */
        public Builder tsih(int tsih) {
            Bytes.put16(bhs, 14, tsih);
            return this;
        }

        /** Status-Class and Status-Detail as one 16-bit value, e.g. 0x0201 (RFC 7143 §11.13.5). */
        public Builder status(int status) {
            Bytes.put16(bhs, 36, status);
            return this;
        }

        /** Encoded key=value text (see {@code TextParameters#encode}). */
        public Builder text(byte[] text) {
            return dataField(text);
        }
    }
}
