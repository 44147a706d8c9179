package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandWindowTest {
    private final CommandWindow.Verdict[] v = new CommandWindow.Verdict[1];

    @Test
    void deliversInOrderAndHoldsEarlyCommands() {
        CommandWindow<String> w = new CommandWindow<>(8, 10);
        assertEquals(List.of(), w.offer(11, "b", v));
        assertEquals(CommandWindow.Verdict.HELD, v[0]);
        assertEquals(List.of(), w.offer(12, "c", v));
        assertEquals(List.of("a", "b", "c"), w.offer(10, "a", v));
        assertEquals(CommandWindow.Verdict.DELIVER, v[0]);
        assertEquals(13, w.expCmdSN());
    }

    @Test
    void dropsCommandsOutsideTheWindowAndDuplicates() {
        CommandWindow<String> w = new CommandWindow<>(4, 100);
        assertEquals(103, w.maxCmdSN());
        w.offer(104, "too far", v);
        assertEquals(CommandWindow.Verdict.DROPPED, v[0]);
        w.offer(100, "a", v);
        w.offer(100, "again", v);
        assertEquals(CommandWindow.Verdict.DROPPED, v[0]);
    }

    @Test
    void outstandingCommandsCloseTheWindowUntilTheyComplete() {
        CommandWindow<String> w = new CommandWindow<>(2, 0);
        w.offer(0, "a", v);
        w.offer(1, "b", v);
        assertEquals(1, w.maxCmdSN(), "MaxCmdSN = ExpCmdSN - 1: window closed");
        w.offer(2, "c", v);
        assertEquals(CommandWindow.Verdict.DROPPED, v[0]);
        w.completed();
        assertEquals(2, w.maxCmdSN());
    }

    @Test
    void serialArithmeticWrapsAround() {
        CommandWindow<String> w = new CommandWindow<>(8, -2);
        assertEquals(List.of("x"), w.offer(-2, "x", v));
        assertEquals(List.of(), w.offer(0, "z", v));
        assertEquals(List.of("y", "z"), w.offer(-1, "y", v));
        assertEquals(1, w.expCmdSN());
    }

    @Test
    void lunFieldsDecodeAndEncode() {
        assertEquals(0, IscsiConnection.decodeLun(0));
        assertEquals(5, IscsiConnection.decodeLun(IscsiConnection.encodeLun(5)));
        assertEquals(300, IscsiConnection.decodeLun(IscsiConnection.encodeLun(300)));
        assertEquals((0x4000L | 300) << 48, IscsiConnection.encodeLun(300), "flat space addressing above 255");
        assertEquals(7L << 48, IscsiConnection.encodeLun(7), "peripheral device addressing below 256");
    }
}
