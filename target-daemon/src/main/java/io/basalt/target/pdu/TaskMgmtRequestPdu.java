package io.basalt.target.pdu;

/** Read view of a SCSI Task Management Function Request (RFC 7143 §11.5). */
public final class TaskMgmtRequestPdu extends CommandPduView {
    private TaskMgmtRequestPdu(Pdu pdu) {
        super(pdu);
    }

    public static TaskMgmtRequestPdu of(Pdu pdu) {
        return new TaskMgmtRequestPdu(pdu.expect(Opcode.TASK_MGMT_REQUEST));
    }

    /** The function code, 1 (ABORT TASK) to 8 (TASK REASSIGN) (RFC 7143 §11.5.1). */
    public int function() {
        return pdu.flags() & 0x7f;
    }

    public long lun() {
        return pdu.lun();
    }

    /** The ITT of the task to abort; 0xffffffff for functions that take none. */
    public int referencedTaskTag() {
        return pdu.i32(20);
    }

    public int refCmdSN() {
        return pdu.i32(32);
    }

    public int expDataSN() {
        return pdu.i32(36);
    }
}
