package io.basalt.target.iscsi;

import io.basalt.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * One SCSI command in flight on a connection: collecting Data-Out, executing, or answered.
 * Owned by the connection's event loop.
 *
 * <p>Data-Out is kept as a composite of retained slices of the received PDUs (no copy); it
 * passes to the SCSI layer with the task, which releases it.
 */
final class Task {
    enum State { COLLECTING, EXECUTING, DONE }

    final int itt;
    final long lun;
    final byte[] cdb;
    final long expectedLength;
    final boolean read;
    final boolean write;
    final int cmdSN;
    final boolean immediate;
    /** Bytes of Data-Out the CDB asks for (residuals are reported against it). */
    final long dataOutNeeded;
    /** Bytes of Data-Out this task will accept: min(expected length, what the CDB needs). */
    final long transferLength;
    State state = State.COLLECTING;
    final long startNanos = System.nanoTime();
    boolean aborted;
    /** Completion hooks of task management functions waiting for this task to end. */
    Runnable onDone;

    /** One received slice, or a composite once a second one arrives. */
    private ByteBuf data;
    long received;
    /** Buffer offset the next Data-Out must carry (all bytes the initiator sent, used or not). */
    long nextOffset;
    /** End of the unsolicited data (immediate plus unsolicited Data-Out). */
    long unsolicitedEnd;
    /** Offset where the next solicited burst starts. */
    long solicited;
    int r2tSN;
    /** Target transfer tag of the Data-Out sequence in progress, and the DataSN it expects next. */
    int sequenceTtt = Integer.MIN_VALUE;
    int expectedDataSN;
    int outstandingR2T;
    /** Target transfer tag of each outstanding R2T is ttt base + r2tSN. */
    final int tttBase;

    Task(ScsiCommandPdu cmd, long lun, long dataOutNeeded, long transferLength, int tttBase) {
        this.itt = cmd.itt();
        this.lun = lun;
        this.cdb = cmd.cdb();
        this.expectedLength = cmd.expectedDataTransferLength();
        this.read = cmd.read();
        this.write = cmd.write();
        this.cmdSN = cmd.cmdSN();
        this.immediate = cmd.immediate();
        this.dataOutNeeded = dataOutNeeded;
        this.transferLength = transferLength;
        this.tttBase = tttBase;
    }

    /** Appends in-order Data-Out bytes; takes over the caller's reference to {@code part}. */
    void append(ByteBufAllocator alloc, ByteBuf part) {
        received += part.readableBytes();
        if (data == null) {
            data = part; // the common case: all of a small write came as immediate data
            return;
        }
        if (!(data instanceof CompositeByteBuf)) {
            CompositeByteBuf c = alloc.compositeBuffer(1024);
            c.addComponent(true, data);
            data = c;
        }
        ((CompositeByteBuf) data).addComponent(true, part);
    }

    boolean allDataReceived() {
        return received >= transferLength;
    }

    /** Hands the collected data over (null if none); the task no longer owns it. */
    ByteBuf takeData() {
        ByteBuf d = data;
        data = null;
        return d;
    }

    void releaseData() {
        if (data != null) {
            data.release();
            data = null;
        }
    }
}
