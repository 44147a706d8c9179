package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's iSCSI block driver (libiscsi) through qemu-io: one real initiator with a name and CHAP
 * credentials, logging in to one LUN per command line.
 */
final class Initiator {
    private final String portal;
    private final String iqn;
    private final String user;
    private final String secret;

    Initiator(String portal, String iqn, String user, String secret) {
        this.portal = portal;
        this.iqn = iqn;
        this.user = user;
        this.secret = secret;
    }

    /** Fails with the package to install when qemu-io or its iSCSI driver is missing. */
    static void require() {
        Command.require("qemu-io");
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu/qemu", "/usr/lib/aarch64-linux-gnu/qemu", "/usr/lib/qemu")) {
            if (Files.exists(Path.of(dir, "block-iscsi.so"))) {
                return;
            }
        }
        fail("QEMU's iSCSI driver (block-iscsi.so) is not installed (Debian package qemu-block-extra): "
                + "run the tests through scripts/test, which installs it");
    }

    /** Runs qemu-io commands ("write -P 0xa5 0 1M", "read -P 0xa5 0 1M") against the target's LUN 0. */
    Command.Result io(String targetIqn, String... commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add("--image-opts");
        cmd.add("driver=iscsi,transport=tcp,portal=" + portal + ",target=" + targetIqn + ",lun=0,user=" + user
                + ",password=" + secret + ",initiator-name=" + iqn);
        return Command.of(cmd).timeout(java.time.Duration.ofSeconds(60)).run();
    }

    /** Writes the byte pattern over each [offset, offset + length). */
    void write(String targetIqn, int pattern, long length, long... offsets) throws IOException, InterruptedException {
        List<String> cmds = new ArrayList<>();
        for (long off : offsets) {
            cmds.add("write -P " + pattern + " " + off + " " + length);
        }
        Command.Result r = io(targetIqn, cmds.toArray(String[]::new));
        assertEquals(0, r.exit(), r::all);
        assertFalse(r.out().toLowerCase().contains("fail"), r::all);
    }

    /** Reads each [offset, offset + length) and checks it holds only the byte pattern. */
    void verify(String targetIqn, int pattern, long length, long... offsets) throws IOException, InterruptedException {
        List<String> cmds = new ArrayList<>();
        for (long off : offsets) {
            cmds.add("read -P " + pattern + " " + off + " " + length);
        }
        Command.Result r = io(targetIqn, cmds.toArray(String[]::new));
        assertFalse(r.out().contains("Pattern verification failed"),
                () -> targetIqn + " does not hold pattern 0x" + Integer.toHexString(pattern) + ":\n" + r.all());
        assertEquals(0, r.exit(), r::all);
    }
}
