package io.basalt.target.scsi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 256-entry opcode table, pre-filled with an "invalid operation code" entry, plus a 32-entry
 * service-action table under each opcode that has service actions (SERVICE ACTION IN(16),
 * MAINTENANCE IN, PERSISTENT RESERVE IN/OUT). Immutable once built; safe to share.
 */
public final class CommandTable {
    /** SPC-5 §4.4.2: an unsupported operation code is ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE. */
    static final Command INVALID_OPCODE = new Command("(invalid operation code)", -1, -1, 1, new byte[1],
            DataDirection.NONE, PrAccess.ALLOWED, true, false, Command.DataOutLength.NONE,
            r -> Command.now(Sense.illegalRequest(Asc.INVALID_COMMAND_OPERATION_CODE)), null);

    /**
     * An unsupported service action is an invalid field in byte 1 (SPC-5 §4.2.5.2). The field
     * pointer at byte 1 also tells libiscsi-style initiators "not implemented".
     */
    static final Command INVALID_SERVICE_ACTION = new Command("(invalid service action)", -1, -1, 2, new byte[2],
            DataDirection.NONE, PrAccess.ALLOWED, true, false, Command.DataOutLength.NONE,
            r -> Command.now(Sense.invalidFieldInCdb(1, 4)), null);

    private final Command[] byOpcode = new Command[256];
    private final Map<Integer, Command[]> byServiceAction = new HashMap<>();

    private CommandTable() {
        Arrays.fill(byOpcode, INVALID_OPCODE);
    }

    /** Builds a table from commands; a command with a service action joins its opcode's group. */
    public static CommandTable of(List<Command> commands) {
        CommandTable t = new CommandTable();
        for (Command c : commands) {
            if (c.usage().length != c.cdbLength()) {
                throw new IllegalArgumentException(c.name() + ": usage data must be " + c.cdbLength() + " bytes");
            }
            if (c.hasServiceAction()) {
                Command[] group = t.byServiceAction.computeIfAbsent(c.opcode(), k -> {
                    Command[] g = new Command[32];
                    Arrays.fill(g, INVALID_SERVICE_ACTION);
                    return g;
                });
                group[c.serviceAction()] = c;
            } else {
                t.byOpcode[c.opcode()] = c;
            }
        }
        return t;
    }

    /** The entry for a CDB; never null. */
    public Command lookup(byte[] cdb) {
        int opcode = cdb[0] & 0xff;
        Command[] group = byServiceAction.get(opcode);
        if (group == null) {
            return byOpcode[opcode];
        }
        return cdb.length > 1 ? group[cdb[1] & 0x1f] : INVALID_SERVICE_ACTION;
    }

    /** Whether {@code opcode} dispatches on a service action. */
    public boolean hasServiceActions(int opcode) {
        return byServiceAction.containsKey(opcode);
    }

    /** The supported command for an opcode (and service action, ignored without one), or null. */
    public Command find(int opcode, int serviceAction) {
        Command[] group = byServiceAction.get(opcode);
        Command c = group == null ? byOpcode[opcode] : group[serviceAction & 0x1f];
        return c == INVALID_OPCODE || c == INVALID_SERVICE_ACTION ? null : c;
    }

    /** Every supported command, by opcode then service action. */
    public List<Command> supported() {
        List<Command> out = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            Command[] group = byServiceAction.get(op);
            if (group == null) {
                if (byOpcode[op] != INVALID_OPCODE) {
                    out.add(byOpcode[op]);
                }
            } else {
                for (Command c : group) {
                    if (c != INVALID_SERVICE_ACTION) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }
}
