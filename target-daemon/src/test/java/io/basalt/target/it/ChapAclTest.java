package io.basalt.target.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.target.login.ChapCredentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Initiator ACLs, CHAP and mutual CHAP, exercised with libiscsi and QEMU as the initiators. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChapAclTest {
    private static final String ALICE = "iqn.2026-11.test:alice";
    private static final String MALLORY = "iqn.2026-11.test:mallory";
    @TempDir
    static Path dir;
    private TargetFixture fx;
    private String aclTarget;
    private String chapTarget;
    private String mutualTarget;

    @BeforeAll
    void start() throws Exception {
        fx = new TargetFixture(dir.resolve("data"));
        aclTarget = fx.export("acl", 16L << 20, false, Set.of(ALICE), Map.of());
        chapTarget = fx.export("chap", 16L << 20, false, Set.of(),
                Map.of(ALICE, ChapCredentials.oneWay("alice", "alice-secret-1")));
        mutualTarget = fx.export("mutual", 16L << 20, false, Set.of(),
                Map.of(ALICE, ChapCredentials.mutual("alice", "alice-secret-1", "basalt", "target-secret-2")));
        // a byte pattern the refused initiators must never see
        fx.engine.volume("chap").write(0, java.nio.ByteBuffer.wrap(new byte[4096]).put(0, (byte) 0x42), true).join();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private Tools.Result inq(String initiator, String url) throws Exception {
        return Tools.run(30, "iscsi-inq", "-i", initiator, url);
    }

    @Test
    void allowedInitiatorLogsInAndOthersAreRefused() throws Exception {
        assertEquals(0, inq(ALICE, fx.url(aclTarget, 0)).exit());
        Tools.Result r = inq(MALLORY, fx.url(aclTarget, 0));
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.out().toLowerCase().contains("login") || r.out().toLowerCase().contains("authoriz"), r.out());
    }

    @Test
    void refusedInitiatorSeesNoTargetInDiscovery() throws Exception {
        Tools.Result r = Tools.run(30, "iscsi-ls", "-i", MALLORY, "iscsi://127.0.0.1:" + fx.address.getPort());
        assertTrue(!r.out().contains(aclTarget), r.out());
        Tools.Result ok = Tools.run(30, "iscsi-ls", "-i", ALICE, "iscsi://127.0.0.1:" + fx.address.getPort());
        assertTrue(ok.out().contains(aclTarget), ok.out());
    }

    @Test
    void chapWithTheRightSecretLogsIn() throws Exception {
        assertEquals(0, inq(ALICE, fx.url("alice", "alice-secret-1", chapTarget, 0)).exit());
    }

    @Test
    void chapWithAWrongSecretOrNoneCannotReadAByte() throws Exception {
        assertNotEquals(0, inq(ALICE, fx.url("alice", "wrong-secret-9", chapTarget, 0)).exit());
        assertNotEquals(0, inq(ALICE, fx.url(chapTarget, 0)).exit());
        Tools.Result read = Tools.run(30, "qemu-io", "-f", "raw", "-c", "read -v 0 512",
                fx.url("alice", "wrong-secret-9", chapTarget, 0));
        assertTrue(!read.out().contains("42 00 00"), read.out());
        assertTrue(read.out().toLowerCase().contains("fail") || read.out().toLowerCase().contains("error")
                || read.out().toLowerCase().contains("could not"), read.out());
    }

    @Test
    void mutualChapAuthenticatesTheTargetToo() throws Exception {
        String good = fx.url("alice", "alice-secret-1", mutualTarget, 0) + "?target_user=basalt&target_password=target-secret-2";
        assertEquals(0, inq(ALICE, good).exit(), inq(ALICE, good).out());
        String wrongTarget = fx.url("alice", "alice-secret-1", mutualTarget, 0) + "?target_user=basalt&target_password=not-the-secret";
        assertNotEquals(0, inq(ALICE, wrongTarget).exit(), "the initiator must reject a target that cannot prove the secret");
    }

    @Test
    void headerAndDataDigestsWork() throws Exception {
        String url = fx.url("alice", "alice-secret-1", chapTarget, 0) + "?header_digest=crc32c";
        Tools.Result r = Tools.run(30, "qemu-io", "-c", "write -P 0x3c 8k 64k", "-c", "read -P 0x3c 8k 64k",
                "--image-opts", "driver=iscsi,transport=tcp,portal=127.0.0.1:" + fx.address.getPort() + ",target=" + chapTarget
                        + ",lun=0,user=alice,password=alice-secret-1,header-digest=crc32c,initiator-name=" + ALICE);
        assertEquals(0, r.exit(), r.out());
        assertTrue(!r.out().toLowerCase().contains("fail"), r.out());
        assertEquals(0, inq(ALICE, url).exit());
    }
}
