package io.basalt.target.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Real initiators from Debian against a real portal: libiscsi's tools and QEMU's iSCSI driver. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientToolsTest {
    @TempDir
    static Path dir;
    private TargetFixture fx;

    @BeforeAll
    void start() throws Exception {
        fx = new TargetFixture(dir.resolve("data"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void iscsiLsDiscoversTheTargetAndItsLun() throws Exception {
        String iqn = fx.export("lsvol", 64L << 20);
        Tools.Result r = Tools.run(30, "iscsi-ls", "-s", "iscsi://127.0.0.1:" + fx.address.getPort());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("Target:" + iqn), r.out());
        assertTrue(r.out().contains("Lun:0"), r.out());
        assertTrue(r.out().contains("Size:67108864") || r.out().contains("64 Mb") || r.out().contains("(Size:"), r.out());
    }

    @Test
    void iscsiInqReadsStandardAndSerialNumberPages() throws Exception {
        String iqn = fx.export("inqvol", 64L << 20);
        Tools.Result std = Tools.run(30, "iscsi-inq", fx.url(iqn, 0));
        assertEquals(0, std.exit(), std.out());
        assertTrue(std.out().contains("BASALT"), std.out());
        Tools.Result serial = Tools.run(30, "iscsi-inq", "-e", "1", "-c", "0x80", fx.url(iqn, 0));
        assertEquals(0, serial.exit(), serial.out());
        assertTrue(serial.out().toLowerCase().contains("serial"), serial.out());
    }

    @Test
    void qemuImgConvertsToAndFromTheLunByteExact() throws Exception {
        String iqn = fx.export("imgvol", 32L << 20);
        byte[] image = new byte[24 << 20];
        new Random(42).nextBytes(image);
        // a hole in the middle: qemu-img may skip it, and the LUN must read zeros there
        java.util.Arrays.fill(image, 8 << 20, 12 << 20, (byte) 0);
        Path src = dir.resolve("src.img");
        Files.write(src, image);
        Tools.Result up = Tools.run(120, "qemu-img", "convert", "-p", "-n", "-f", "raw", "-O", "raw", src.toString(), fx.url(iqn, 0));
        assertEquals(0, up.exit(), up.out());
        Path back = dir.resolve("back.img");
        Tools.Result down = Tools.run(120, "qemu-img", "convert", "-f", "raw", "-O", "raw", fx.url(iqn, 0), back.toString());
        assertEquals(0, down.exit(), down.out());
        byte[] got = Files.readAllBytes(back);
        assertEquals(32 << 20, got.length);
        assertArrayEquals(image, java.util.Arrays.copyOf(got, image.length));
        assertArrayEquals(new byte[8 << 20], java.util.Arrays.copyOfRange(got, image.length, got.length));
        // what the engine stored is what qemu wrote
        ByteBuffer dst = ByteBuffer.allocate(4096);
        fx.engine.volume("imgvol").read(5 << 20, dst);
        assertArrayEquals(java.util.Arrays.copyOfRange(image, 5 << 20, (5 << 20) + 4096), dst.array());
    }

    @Test
    void qemuIoPatternWritesReadBackAndMisreadsAreCaught() throws Exception {
        String iqn = fx.export("iovol", 16L << 20);
        Tools.Result w = Tools.run(60, "qemu-io", "-f", "raw", fx.url(iqn, 0),
                "-c", "write -P 0xa5 0 1M",
                "-c", "write -P 0x5a 1536 3k",
                "-c", "writev -P 0x11 4M 512 8k 64k",
                "-c", "flush",
                "-c", "read -P 0xa5 0 1536",
                "-c", "read -P 0x5a 1536 3k",
                "-c", "read -P 0xa5 4608 1019k",
                "-c", "readv -P 0x11 4M 512 8k 64k",
                "-c", "read -P 0 8M 1M");
        assertEquals(0, w.exit(), w.out());
        assertFalse(w.out().contains("fail"), w.out());
        assertFalse(w.out().contains("error"), w.out());
        // the check itself can fail: a wrong pattern is reported
        Tools.Result bad = Tools.run(60, "qemu-io", "-f", "raw", fx.url(iqn, 0), "-c", "read -P 0x77 0 4k");
        assertTrue(bad.out().contains("Pattern verification failed"), bad.out());
    }
}
