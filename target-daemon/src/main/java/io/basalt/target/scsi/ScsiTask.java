package io.basalt.target.scsi;

import io.netty.buffer.ByteBuf;

/**
 * A SCSI command as the transport hands it to the SCSI layer, with all its Data-Out already
 * collected.
 *
 * <p>Ownership: {@code dataOut} (nullable) belongs to the task; the dispatcher releases it when
 * the command completes.
 *
 * @param nexus                the I_T nexus the command came through
 * @param lun                  the LUN number (flat addressing decoded by the transport)
 * @param cdb                  the CDB (6 to 16 bytes, or longer with an AHS)
 * @param expectedLength       the initiator's Expected Data Transfer Length in bytes
 * @param dataOut              write data received (immediate, unsolicited and solicited), or null
 */
public record ScsiTask(Nexus nexus, long lun, byte[] cdb, long expectedLength, ByteBuf dataOut) {
    public int opcode() {
        return cdb[0] & 0xff;
    }
}
