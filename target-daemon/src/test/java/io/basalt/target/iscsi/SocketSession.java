package io.basalt.target.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.basalt.target.login.TextParameters;
import io.basalt.target.pdu.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A logged-in normal session on a real socket to a portal on 127.0.0.1, with immediate and
 * unsolicited data and no digests, for tests that need the server's own event loops.
 */
class SocketSession implements AutoCloseable {
    final Socket socket = new Socket();
    final DataInputStream in;
    int cmdSN;

    SocketSession(InetSocketAddress address, String targetIqn, String initiatorIqn, long isid) throws IOException {
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        byte[] text = TextParameters.of("InitiatorName", initiatorIqn, "TargetName", targetIqn,
                "SessionType", "Normal", "ImmediateData", "Yes", "InitialR2T", "No").encode();
        send(Wire.frame(Wire.loginBhs(true, false, 1, 3, isid, 1), text));
        byte[] login = read();
        assertEquals(0x23, login[0] & 0x3f, "a Login Response");
        assertEquals(0, Wire.u16(login, 36), "login succeeded");
        cmdSN = Wire.get32(login, 28);
    }

    void send(byte[] pdu) throws IOException {
        socket.getOutputStream().write(pdu);
        socket.getOutputStream().flush();
    }

    /** One PDU: the BHS, then AHS and data segment with padding. */
    byte[] read() throws IOException {
        byte[] bhs = new byte[48];
        in.readFully(bhs);
        int ahs = Wire.u8(bhs, 4) * 4;
        int data = (Wire.u8(bhs, 5) << 16) | Wire.u16(bhs, 6);
        byte[] pdu = new byte[48 + ahs + ((data + 3) & ~3)];
        System.arraycopy(bhs, 0, pdu, 0, 48);
        in.readFully(pdu, 48, pdu.length - 48);
        return pdu;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
