package io.basalt.target.login;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextParametersTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesPairsInOrderSplittingAtTheFirstEquals() throws TextFormatException {
        TextParameters p = TextParameters.decode(ascii("InitiatorName=iqn.1993-08.org.debian:01:ab\0X-a=b=c\0"));
        assertEquals(List.of(new TextParameters.KeyValue("InitiatorName", "iqn.1993-08.org.debian:01:ab"),
                new TextParameters.KeyValue("X-a", "b=c")), p.entries());
        assertEquals("b=c", p.get("X-a").orElseThrow());
        assertTrue(p.get("Missing").isEmpty());
    }

    @Test
    void encodeEndsEveryPairWithNulAndRoundTrips() throws TextFormatException {
        TextParameters p = TextParameters.of("TargetAlias", "disque ünø", "MaxBurstLength", "262144", "Empty", "");
        byte[] wire = p.encode();
        assertArrayEquals(ascii("TargetAlias=disque ünø\0MaxBurstLength=262144\0Empty=\0"), wire);
        assertEquals(p, TextParameters.decode(wire));
    }

    @Test
    void keepsRepeatedKeysForSendTargetsStyleLists() throws TextFormatException {
        TextParameters p = TextParameters.decode(ascii("TargetName=a\0TargetAddress=1\0TargetAddress=2\0"));
        assertEquals(3, p.size());
        assertEquals("1", p.get("TargetAddress").orElseThrow());
    }

    @Test
    void toleratesStrayNulsAndAMissingFinalNul() throws TextFormatException {
        assertEquals(TextParameters.of("A", "1", "B", "2"), TextParameters.decode(ascii("A=1\0\0B=2")));
        assertTrue(TextParameters.decode(new byte[] {0, 0, 0}).isEmpty());
    }

    @Test
    void refusesMalformedText() {
        assertThrows(TextFormatException.class, () -> TextParameters.decode(ascii("NoEquals\0")));
        assertThrows(TextFormatException.class, () -> TextParameters.decode(ascii("=value\0")));
        assertThrows(TextFormatException.class, () -> TextParameters.decode(ascii("Bad Key=1\0")));
        assertThrows(TextFormatException.class, () -> TextParameters.decode(ascii("K".repeat(64) + "=1\0")));
        assertThrows(TextFormatException.class, () -> TextParameters.decode(new byte[] {'K', '=', (byte) 0xc3, 0}));
        assertThrows(TextFormatException.class,
                () -> TextParameters.decode(ascii("K=" + "v".repeat(TextParameters.MAX_VALUE_LENGTH + 1))));
        assertThrows(IllegalArgumentException.class, () -> TextParameters.of("K", "a\0b"));
    }

    @Test
    void accumulatorJoinsAPairCutAcrossThreePdus() throws TextFormatException {
        TextAccumulator acc = new TextAccumulator(1024);
        assertEquals(TextAccumulator.Status.INCOMPLETE, acc.append(Unpooled.wrappedBuffer(ascii("Initiator")), true));
        assertEquals(TextAccumulator.Status.INCOMPLETE, acc.append(Unpooled.wrappedBuffer(ascii("Name=iqn.x\0Sess")), true));
        assertEquals(TextAccumulator.Status.COMPLETE, acc.append(Unpooled.wrappedBuffer(ascii("ionType=Normal\0")), false));
        assertEquals(TextParameters.of("InitiatorName", "iqn.x", "SessionType", "Normal"),
                TextParameters.decode(acc.take()));
        assertEquals(0, acc.length());
    }

    @Test
    void accumulatorRefusesTextOverItsBoundUntilReset() {
        TextAccumulator acc = new TextAccumulator(10);
        assertEquals(TextAccumulator.Status.INCOMPLETE, acc.append(new byte[6], true));
        assertEquals(TextAccumulator.Status.TOO_LONG, acc.append(new byte[5], true));
        assertEquals(TextAccumulator.Status.TOO_LONG, acc.append(new byte[1], false));
        acc.reset();
        assertEquals(TextAccumulator.Status.COMPLETE, acc.append(new byte[10], false));
    }

    @Test
    void numbersAreDecimalOrHexWithinRange() throws TextFormatException {
        assertEquals(262144, TextValues.number("262144", 512, 16777215));
        assertEquals(0x40000, TextValues.number("0x40000", 512, 16777215));
        assertThrows(TextFormatException.class, () -> TextValues.number("100", 512, 16777215));
        assertThrows(TextFormatException.class, () -> TextValues.number("12a", 0, 100));
        assertThrows(TextFormatException.class, () -> TextValues.number("-1", -5, 100));
        assertThrows(TextFormatException.class, () -> TextValues.number("99999999999999999999999", 0, 100));
    }

    @Test
    void binaryValuesAcceptHexAndBase64() throws TextFormatException {
        assertArrayEquals(new byte[] {(byte) 0xab, 0x01}, TextValues.binary("0xAB01", 16));
        assertArrayEquals(new byte[] {0x0a, 0x01}, TextValues.binary("0xa01", 16));
        assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, TextValues.binary("0b+/8=", 16));
        assertThrows(TextFormatException.class, () -> TextValues.binary("ABCD", 16));
        assertThrows(TextFormatException.class, () -> TextValues.binary("0xZZ", 16));
        assertThrows(TextFormatException.class, () -> TextValues.binary("0x" + "00".repeat(17), 16));
        assertEquals("0x00ff", TextValues.hex(new byte[] {0, (byte) 0xff}));
    }
}
