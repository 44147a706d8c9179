package io.basalt.target.scsi;

import static io.basalt.target.scsi.ScsiHarness.A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A checksum failure in the engine, provoked by damaging a segment file, becomes MEDIUM ERROR. */
class MediumErrorTest extends LunTest {
    private static final int BS = 512;

    /** Flips one byte of the first occurrence of {@code needle} in the volume's segment files. */
    private void damage(byte[] needle) throws IOException {
        List<Path> segments;
        try (Stream<Path> s = Files.walk(dir)) {
            segments = s.filter(p -> p.toString().endsWith(".seg")).toList();
        }
        for (Path seg : segments) {
            byte[] content = Files.readAllBytes(seg);
            int at = indexOf(content, needle);
            if (at >= 0) {
                try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) (content[at + 100] ^ 0x5a)}), at + 100);
                }
                return;
            }
        }
        throw new AssertionError("written block not found in any segment");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void corruptedBlockIsAnUnrecoveredReadErrorAtItsLba() throws Exception {
        byte[] data = Cdbs.pattern(42, 32 * BS); // four 4 KiB engine blocks
        h.run(A, Cdbs.write16(64, 32, true), data).assertGood();
        h.shutdown();
        damage(java.util.Arrays.copyOfRange(data, 8 * BS, 16 * BS)); // the second engine block: LBAs 72-79
        h.start();
        h.clearAttentions(A);

        Response r = h.run(A, Cdbs.read16(64, 32));
        r.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        assertTrue(r.informationValid());
        assertEquals(72, r.information());
        Response mid = h.run(A, Cdbs.read16(74, 2));
        mid.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        assertEquals(74, mid.information(), "INFORMATION is the first bad LBA of the request");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 8 * BS), h.read(A, 64, 8), "undamaged blocks still read");
        h.run(A, Cdbs.verify16(64, 32, 0)).assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);

        Response prefetch = h.run(A, Cdbs.rw16(0x90, 64, 32, 0));
        prefetch.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        assertEquals(72, prefetch.information(), "PRE-FETCH reads the range it is given");
        h.run(A, Cdbs.rw10(0x34, 64, 32, 0x02)).assertGood(); // IMMED=1: validated, nothing read

        Response or = h.run(A, Cdbs.rw16(0x8b, 72, 8, 0), Cdbs.filled(0x01, 8 * BS));
        or.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        assertEquals(72, or.information());
        h.run(A, Cdbs.rw16(0x8b, 64, 8, 0), Cdbs.filled(0, 8 * BS)).assertGood();
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 8 * BS), h.read(A, 64, 8), "OR with zeros changes nothing");

        byte[] copy = ExtendedCopyTest.parameters(1, 0, List.of(ExtendedCopyTest.cscd(h.lun)),
                List.of(ExtendedCopyTest.segment(0, 0, 32, 64, 1000)));
        h.run(A, ExtendedCopyTest.xcopyCdb(copy.length), copy).assertSense(SenseKey.COPY_ABORTED, Asc.UNRECOVERED_READ_ERROR);
    }
}
