package io.basalt.target.pdu;

/** Builds a SCSI Task Management Function Response (RFC 7143 §11.6). */
public final class TaskMgmtResponse {
    /** Response codes (RFC 7143 §11.6.1). */
    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    private TaskMgmtResponse() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends TargetPduBuilder<Builder> {
        private Builder() {
            super(Opcode.TASK_MGMT_RESPONSE, 0x80);
        }

        public Builder response(int response) {
            Bytes.put8(bhs, 2, response);
            return this;
        }
    }
}
