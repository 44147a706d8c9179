package io.basalt.target.pdu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid PDU streams, fed in random chunks: nothing escapes the
 * decoder, it never delivers more bytes than it was fed, it never stalls, and every buffer is
 * released. A failure prints the seed and iteration to reproduce it.
 */
class PduDecoderFuzzTest {
    private static final long SEED = 0x5eed_15c51L;
    private static final int ITERATIONS = 4000;

    /** How often each outcome was seen, so the test shows the mutations reach every path. */
    private final Map<String, Integer> outcomes = new HashMap<>();

    @Test
    void mutatedStreamsNeverEscapeOrOverDeliver() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(SEED);
            List<byte[]> plain = corpus(false);
            List<byte[]> digested = corpus(true);
            for (int i = 0; i < ITERATIONS; i++) {
                boolean digests = random.nextBoolean();
                List<byte[]> source = digests ? digested : plain;
                byte[] stream = Wire.concat(pick(source, random), pick(source, random), pick(source, random));
                byte[] mutated = mutate(stream, random);
                try {
                    run(mutated, digests, random);
                } catch (AssertionError | RuntimeException e) {
                    fail("seed " + SEED + " iteration " + i + ": " + e, e);
                }
            }
        });
        assertTrue(outcomes.getOrDefault("PDU", 0) > ITERATIONS, outcomes.toString());
        assertTrue(outcomes.getOrDefault("ASSEMBLING", 0) > 0, "never assembled a large segment: " + outcomes);
        for (InvalidPdu.Reason reason : InvalidPdu.Reason.values()) {
            assertTrue(outcomes.getOrDefault(reason.name(), 0) > 0, "never produced " + reason + ": " + outcomes);
        }
    }

    private static byte[] pick(List<byte[]> corpus, Random random) {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private void run(byte[] stream, boolean digests, Random random) {
        int limit = 512 + random.nextInt(random.nextBoolean() ? 8192 : 65536); // large segments get assembled
        PduDecoder decoder = new PduDecoder(Opcode.Sender.INITIATOR, limit, random.nextInt(20000));
        decoder.enableDigests(new Digests(digests, digests && random.nextBoolean()));
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        TrackingAllocator allocator = new TrackingAllocator();
        ch.config().setAllocator(allocator);
        List<ByteBuf> inputs = new ArrayList<>();
        long delivered = 0;
        int messages = 0;
        int off = 0;
        while (off < stream.length) {
            int most = switch (random.nextInt(3)) {
                case 0 -> stream.length < 10_000 ? 8 : 600; // byte by byte through 40 KB takes too long
                case 1 -> 600;
                default -> 20_000;
            };
            int n = Math.min(stream.length - off, 1 + random.nextInt(most));
            ByteBuf in = Unpooled.buffer(n).writeBytes(stream, off, n);
            inputs.add(in);
            ch.writeInbound(in);
            off += n;
            for (Object o; (o = ch.readInbound()) != null; ) {
                messages++;
                delivered += size(o);
            }
            if (decoder.state() == PduDecoder.State.ASSEMBLE) {
                outcomes.merge("ASSEMBLING", 1, Integer::sum);
            }
            assertTrue(delivered <= off, "delivered " + delivered + " of " + off + " bytes fed");
            assertTrue(messages * 48L <= off, messages + " messages from " + off + " bytes");
        }
        ch.finishAndReleaseAll();
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "input buffer leaked");
        }
        allocator.assertAllReleased(); // the decoder's own buffers: cumulation and assembly
    }

    /** Bytes a message stands for; releases PDUs. Anything but a Pdu or InvalidPdu is a failure. */
    private long size(Object o) {
        String kind = o instanceof InvalidPdu invalid ? invalid.reason().name() : "PDU";
        outcomes.merge(kind, 1, Integer::sum);
        if (o instanceof Pdu pdu) {
            long n = 48L + pdu.totalAhsLength() + pdu.dataSegmentLength();
            assertEquals(pdu.dataSegmentLength(), pdu.data().readableBytes());
            pdu.release();
            assertEquals(0, pdu.refCnt());
            return n;
        }
        if (o instanceof InvalidPdu) {
            return 0;
        }
        throw new AssertionError("unexpected message " + o);
    }

    private static List<byte[]> corpus(boolean digests) {
        List<byte[]> c = new ArrayList<>();
        Random r = new Random(1);
        for (int length : new int[] {0, 1, 3, 4, 47, 512, 4096, 40_001}) {
            byte[] data = new byte[length];
            r.nextBytes(data);
            c.add(Wire.frame(Wire.scsiCommandBhs(length, false, true, length, 1, new byte[] {0x2a}), new byte[0], data,
                    digests, digests));
            c.add(Wire.frame(Wire.dataOutBhs(length, 7, 0, 0, true), new byte[0], data, digests, digests));
        }
        c.add(Wire.frame(Wire.nopOutBhs(1, 1), new byte[0], new byte[0], digests, digests));
        c.add(Wire.frame(Wire.loginBhs(true, false, 0, 1, 5, 0), new byte[0],
                "InitiatorName=iqn.2024-01.io.basalt:x\0AuthMethod=None\0".getBytes(), digests, digests));
        c.add(Wire.frame(Wire.scsiCommandBhs(9, true, false, 512, 2, new byte[] {0x28}), new byte[12],
                new byte[0], digests, digests));
        c.add(Wire.frame(Wire.bhs(0x06, 0x80), new byte[0], new byte[0], digests, digests));
        return c;
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int rounds = 1 + r.nextInt(4);
        for (int i = 0; i < rounds && b.length > 0; i++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b[at] = (byte) (r.nextBoolean() ? 0xff : 0x00);
                case 3 -> b = Arrays.copyOf(b, at);
                case 4 -> b = Wire.concat(Arrays.copyOf(b, at), randomBytes(r, 1 + r.nextInt(64)),
                        Arrays.copyOfRange(b, at, b.length));
                case 5 -> b = Wire.concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(b.length, at
                        + 1 + r.nextInt(64)), b.length));
                default -> {
                    // Hit the length fields: the first PDU's header is at 0, later ones anywhere.
                    int pos = (r.nextBoolean() ? 0 : 48 * r.nextInt(1 + b.length / 48)) + 4 + r.nextInt(4);
                    if (pos < b.length) {
                        b[pos] = (byte) r.nextInt(256);
                    }
                }
            }
        }
        return b;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
