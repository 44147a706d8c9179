package io.basalt.target.iscsi;

import io.basalt.target.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * One SCSI command in flight on a connection: collecting Data-Out, waiting for its turn,
 * executing, or answered.
 * Owned by the connection's event loop.
 *
 * <p>Data-Out is kept as a composite of retained slices of the received PDUs (no copy); it
 * passes to the SCSI layer with the task, which releases it.
 */
final class Task {
    /** WAITING: all its data is in, and it waits for its turn to start ({@link TaskSet}). */
    enum State { COLLECTING, WAITING, EXECUTING, DONE }

    /** The task attribute (SAM-5 §8.6) a command is handled with. */
    enum Attribute {
        SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA;

        /**
         * How a command with the ATTR field {@code wire} is handled: untagged as simple; a
         * reserved code (null) as ordered, which lets nothing overtake a command we do not
         * understand.
         */
        static Attribute of(ScsiCommandPdu.TaskAttribute wire) {
            if (wire == null) {
                return ORDERED;
            }
            return switch (wire) {
                case UNTAGGED, SIMPLE -> SIMPLE;
                case ORDERED -> ORDERED;
                case HEAD_OF_QUEUE -> HEAD_OF_QUEUE;
                case ACA -> ACA;
            };
        }

        /** Whether commands of this attribute hold others back (ORDERED, HEAD OF QUEUE). */
        boolean orders() {
            return this == ORDERED || this == HEAD_OF_QUEUE;
        }
    }

    final int itt;
    final long lun;
    final byte[] cdb;
    final long expectedLength;
    final boolean read;
    final boolean write;
    final int cmdSN;
    final boolean immediate;
    final Attribute attribute;
    /** Bytes of Data-Out the CDB asks for (residuals are reported against it). */
    final long dataOutNeeded;
    /** Bytes of Data-Out this task will accept: min(expected length, what the CDB needs). */
    final long transferLength;
    State state = State.COLLECTING;
    final long startNanos = System.nanoTime();
    /** Set on the event loop; a worker reads it before running the command. */
    volatile boolean aborted;
    /** Its neighbours in its connection's {@link TaskSet}, while it is there. */
    Task older;
    Task newer;
    /** Completion hooks of task management functions waiting for this task to end. */
    Runnable onDone;
    /** Event loop only: handed to a worker and not finished yet (counted by {@link ReadPolling}). */
    boolean withWorker;

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
        this.attribute = Attribute.of(ScsiCommandPdu.TaskAttribute.fromCode(cmd.attribute()));
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
