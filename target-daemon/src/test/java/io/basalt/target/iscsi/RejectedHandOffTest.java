package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.target.pdu.Wire;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that is stopping refuses new work: every command the connection then hands to a
 * worker, batched 4 KiB writes and a write that goes alone alike, ends with a SCSI Response
 * (TARGET FAILURE) and its data is released, over a real engine.
 */
class RejectedHandOffTest {
    @TempDir
    Path dir;

    @Test
    void commandsAWorkerWouldRunEndWithTargetFailure() throws IOException {
        List<Runnable> offered = new ArrayList<>();
        Executor stopping = r -> {
            offered.add(r);
            throw new RejectedExecutionException("stopping");
        };
        try (EmbeddedSession s = new EmbeddedSession(dir, stopping)) {
            int cmdSN = s.firstCmdSN;
            // WRITE(10) of six 4 KiB blocks: batched (over what the event loop appends itself);
            // WRITE(10) of one 512-byte sector: handed alone.
            byte[] whole = {0x2a, 0, 0, 0, 0, 0, 0, 0, 48, 0};
            byte[] sector = {0x2a, 0, 0, 0, 0, 64, 0, 0, 1, 0};
            s.send(Wire.frame(Wire.scsiCommandBhs(10, false, true, 24576, cmdSN, whole), new byte[24576]));
            s.send(Wire.frame(Wire.scsiCommandBhs(11, false, true, 512, cmdSN + 1, sector), new byte[512]));
            s.channel.runPendingTasks();

            assertEquals(2, offered.size(), "both hand-offs were offered to the workers");
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] response = s.read();
                assertEquals(0x21, response[0] & 0x3f, "a SCSI Response");
                assertEquals(0x01, Wire.u8(response, 2), "TARGET FAILURE");
                failed.add(Wire.get32(response, 16));
            }
            assertTrue(failed.containsAll(List.of(10, 11)), "both commands answered: " + failed);
            assertFalse(s.channel.finish(), "nothing else was sent");
            for (ByteBuf in : s.inputs) {
                assertEquals(0, in.refCnt(), "every received buffer was released");
            }
        }
    }
}
