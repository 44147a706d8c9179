package io.basalt.target.scsi;

import static io.basalt.target.scsi.DataDirection.IN;
import static io.basalt.target.scsi.DataDirection.NONE;
import static io.basalt.target.scsi.DataDirection.OUT;
import static io.basalt.target.scsi.PrAccess.ALLOWED;
import static io.basalt.target.scsi.PrAccess.READ;
import static io.basalt.target.scsi.PrAccess.WRITE;

import java.util.ArrayList;
import java.util.List;

/**
 * Every command Basalt implements, with its metadata, in opcode order: the SPC-5 primary
 * commands and the SBC-4 block commands of a thin-provisioned direct-access device. Each
 * row's trailing numbers are the CDB USAGE DATA (SPC-5 §6.35.3): byte 0 the opcode, then a 1
 * for every bit the device server examines; the CONTROL byte's NACA bit is checked (and
 * refused) everywhere.
 */
final class CommandSet {
    private static final CommandTable TABLE = CommandTable.of(commands());

    private CommandSet() {
    }

    static CommandTable table() {
        return TABLE;
    }

    private static List<Command> commands() {
        List<Command> c = new ArrayList<>();
        // name, opcode, service action, direction, PR access, SPC-2 allowed, UA allowed, Data-Out, handler, usage
        c.add(cmd("TEST UNIT READY", 0x00, -1, NONE, ALLOWED, false, false, null, UnitCommands::testUnitReady,
                0x00, 0, 0, 0, 0, 0x04));
        c.add(cmd("REQUEST SENSE", 0x03, -1, IN, ALLOWED, true, true, null, UnitCommands::requestSense,
                0x03, 0x01, 0, 0, 0xff, 0x04));
        c.add(cmd("READ(6)", 0x08, -1, IN, READ, false, false, null, Read::handle,
                0x08, 0x1f, 0xff, 0xff, 0xff, 0x04).withNonBlocking(Read::tryNow));
        c.add(cmd("WRITE(6)", 0x0a, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::handle,
                0x0a, 0x1f, 0xff, 0xff, 0xff, 0x04).withNonBlocking(Write::tryNow));
        c.add(cmd("INQUIRY", 0x12, -1, IN, ALLOWED, true, true, null, Inquiry::handle,
                0x12, 0x03, 0xff, 0xff, 0xff, 0x04));
        c.add(cmd("MODE SELECT(6)", 0x15, -1, OUT, WRITE, false, false, (b, s) -> ModeSelect.parameterListLength(b),
                ModeSelect::handle, 0x15, 0x11, 0, 0, 0xff, 0x04));
        c.add(cmd("RESERVE(6)", 0x16, -1, NONE, ALLOWED, false, false, null, Spc2Reservations::reserve,
                0x16, 0x13, 0, 0, 0, 0x04));
        c.add(cmd("RELEASE(6)", 0x17, -1, NONE, ALLOWED, true, false, null, Spc2Reservations::release,
                0x17, 0x13, 0, 0, 0, 0x04));
        c.add(cmd("MODE SENSE(6)", 0x1a, -1, IN, WRITE, false, false, null, ModeSense::handle,
                0x1a, 0x08, 0xff, 0xff, 0xff, 0x04));
        c.add(cmd("START STOP UNIT", 0x1b, -1, NONE, ALLOWED, false, false, null, UnitCommands::startStopUnit,
                0x1b, 0x01, 0, 0x0f, 0xf7, 0x04));
        c.add(cmd("PREVENT ALLOW MEDIUM REMOVAL", 0x1e, -1, NONE, ALLOWED, false, false, null,
                UnitCommands::preventAllowMediumRemoval, 0x1e, 0, 0, 0, 0x03, 0x04));
        c.add(cmd("READ CAPACITY(10)", 0x25, -1, IN, ALLOWED, false, false, null, ReadCapacity::ten,
                0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0x04));
        c.add(cmd("READ(10)", 0x28, -1, IN, READ, false, false, null, Read::handle,
                0x28, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04).withNonBlocking(Read::tryNow));
        c.add(cmd("WRITE(10)", 0x2a, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::handle,
                0x2a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04).withNonBlocking(Write::tryNow));
        c.add(cmd("WRITE AND VERIFY(10)", 0x2e, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::andVerify,
                0x2e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04));
        c.add(cmd("VERIFY(10)", 0x2f, -1, OUT, READ, false, false, Verify::dataOutLength, Verify::handle,
                0x2f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04));
        c.add(cmd("PRE-FETCH(10)", 0x34, -1, NONE, READ, false, false, null, PreFetch::handle,
                0x34, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04));
        c.add(cmd("SYNCHRONIZE CACHE(10)", 0x35, -1, NONE, WRITE, false, false, null, SynchronizeCache::handle,
                0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04));
        c.add(cmd("READ DEFECT DATA(10)", 0x37, -1, IN, WRITE, false, false, null, ReadDefectData::ten,
                0x37, 0, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0x04));
        c.add(cmd("WRITE SAME(10)", 0x41, -1, OUT, WRITE, false, false, WriteSame::dataOutLength, WriteSame::handle,
                0x41, 0xf8, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0x04));
        c.add(cmd("UNMAP", 0x42, -1, OUT, WRITE, false, false, Unmap::dataOutLength, Unmap::handle,
                0x42, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04));
        c.add(cmd("MODE SELECT(10)", 0x55, -1, OUT, WRITE, false, false, (b, s) -> ModeSelect.parameterListLength(b),
                ModeSelect::handle, 0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04));
        c.add(cmd("RESERVE(10)", 0x56, -1, NONE, ALLOWED, false, false, null, Spc2Reservations::reserve,
                0x56, 0x13, 0, 0, 0, 0, 0, 0, 0, 0x04));
        c.add(cmd("RELEASE(10)", 0x57, -1, NONE, ALLOWED, true, false, null, Spc2Reservations::release,
                0x57, 0x13, 0, 0, 0, 0, 0, 0, 0, 0x04));
        c.add(cmd("MODE SENSE(10)", 0x5a, -1, IN, WRITE, false, false, null, ModeSense::handle,
                0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x04));
        c.add(prIn("READ KEYS", 0x00, PersistentReserveIn::readKeys));
        c.add(prIn("READ RESERVATION", 0x01, PersistentReserveIn::readReservation));
        c.add(prIn("REPORT CAPABILITIES", 0x02, PersistentReserveIn::reportCapabilities));
        c.add(prIn("READ FULL STATUS", 0x03, PersistentReserveIn::readFullStatus));
        c.add(prOut("REGISTER", PersistentReserveOut.REGISTER));
        c.add(prOut("RESERVE", PersistentReserveOut.RESERVE));
        c.add(prOut("RELEASE", PersistentReserveOut.RELEASE));
        c.add(prOut("CLEAR", PersistentReserveOut.CLEAR));
        c.add(prOut("PREEMPT", PersistentReserveOut.PREEMPT));
        c.add(prOut("PREEMPT AND ABORT", PersistentReserveOut.PREEMPT_AND_ABORT));
        c.add(prOut("REGISTER AND IGNORE EXISTING KEY", PersistentReserveOut.REGISTER_AND_IGNORE_EXISTING_KEY));
        c.add(cmd("EXTENDED COPY(LID1)", 0x83, 0x00, OUT, WRITE, false, false, ExtendedCopy::dataOutLength,
                ExtendedCopy::handle, 0x83, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("RECEIVE COPY RESULTS / COPY STATUS", 0x84, 0x00, IN, ALLOWED, false, false, null,
                ExtendedCopy::copyStatus, 0x84, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("RECEIVE COPY RESULTS / OPERATING PARAMETERS", 0x84, 0x03, IN, ALLOWED, false, false, null,
                ExtendedCopy::operatingParameters, 0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("READ(16)", 0x88, -1, IN, READ, false, false, null, Read::handle,
                0x88, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04).withNonBlocking(Read::tryNow));
        c.add(cmd("COMPARE AND WRITE", 0x89, -1, OUT, WRITE, false, false, CompareAndWrite::dataOutLength,
                CompareAndWrite::handle,
                0x89, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0xff, 0, 0x04));
        c.add(cmd("WRITE(16)", 0x8a, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::handle,
                0x8a, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04).withNonBlocking(Write::tryNow));
        c.add(cmd("ORWRITE(16)", 0x8b, -1, OUT, WRITE, false, false, Write::dataOutLength, OrWrite::handle,
                0x8b, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("WRITE AND VERIFY(16)", 0x8e, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::andVerify,
                0x8e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("VERIFY(16)", 0x8f, -1, OUT, READ, false, false, Verify::dataOutLength, Verify::handle,
                0x8f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("PRE-FETCH(16)", 0x90, -1, NONE, READ, false, false, null, PreFetch::handle,
                0x90, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("SYNCHRONIZE CACHE(16)", 0x91, -1, NONE, WRITE, false, false, null, SynchronizeCache::handle,
                0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("WRITE SAME(16)", 0x93, -1, OUT, WRITE, false, false, WriteSame::dataOutLength, WriteSame::handle,
                0x93, 0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("WRITE ATOMIC(16)", 0x9c, -1, OUT, WRITE, false, false, WriteAtomic::dataOutLength,
                WriteAtomic::handle,
                0x9c, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("READ CAPACITY(16)", 0x9e, 0x10, IN, ALLOWED, false, false, null, ReadCapacity::sixteen,
                0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("GET LBA STATUS", 0x9e, 0x12, IN, READ, false, false, null, GetLbaStatus::handle,
                0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("REPORT LUNS", 0xa0, -1, IN, ALLOWED, true, true, null, TargetCommands::reportThisLun,
                0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("REPORT SUPPORTED OPERATION CODES", 0xa3, 0x0c, IN, ALLOWED, true, false, null,
                ReportSupportedOpcodes::handle, 0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("READ(12)", 0xa8, -1, IN, READ, false, false, null, Read::handle,
                0xa8, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04).withNonBlocking(Read::tryNow));
        c.add(cmd("WRITE(12)", 0xaa, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::handle,
                0xaa, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04).withNonBlocking(Write::tryNow));
        c.add(cmd("WRITE AND VERIFY(12)", 0xae, -1, OUT, WRITE, false, false, Write::dataOutLength, Write::andVerify,
                0xae, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("VERIFY(12)", 0xaf, -1, OUT, READ, false, false, Verify::dataOutLength, Verify::handle,
                0xaf, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        c.add(cmd("READ DEFECT DATA(12)", 0xb7, -1, IN, WRITE, false, false, null, ReadDefectData::twelve,
                0xb7, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x04));
        return c;
    }

    private static Command prIn(String name, int sa, Command.Handler handler) {
        return cmd("PERSISTENT RESERVE IN / " + name, 0x5e, sa, IN, ALLOWED, false, false, null, handler,
                0x5e, sa, 0, 0, 0, 0, 0, 0xff, 0xff, 0x04);
    }

    /** PROUT service actions run their own conflict rules (SPC-5 §5.14.2), hence ALLOWED here. */
    private static Command prOut(String name, int sa) {
        return cmd("PERSISTENT RESERVE OUT / " + name, 0x5f, sa, OUT, ALLOWED, false, false,
                PersistentReserveOut::dataOutLength, PersistentReserveOut::handle,
                0x5f, sa, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x04);
    }

    private static Command cmd(String name, int opcode, int sa, DataDirection direction, PrAccess pr,
                               boolean spc2Allowed, boolean uaAllowed, Command.DataOutLength dataOut,
                               Command.Handler handler, int... usage) {
        byte[] u = new byte[usage.length];
        for (int i = 0; i < usage.length; i++) {
            u[i] = (byte) usage[i];
        }
        return new Command(name, opcode, sa, usage.length, u, direction, pr, spc2Allowed, uaAllowed,
                dataOut == null ? Command.DataOutLength.NONE : dataOut, handler, null);
    }
}
