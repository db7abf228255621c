package dev.jreg.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (UDP, a free port) that answers A queries for the names it is given
 * and NXDOMAIN for the rest, and records each name it was asked about; or, {@link #silent()},
 * one that reads nothing and never answers. {@link TestDoh} answers the same over HTTPS.
 */
public final class TestDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    /** The names asked, in order, with the query type: {@code registry.test. A}. */
    public final List<String> questions = new CopyOnWriteArrayList<>();

    private TestDns(Map<String, String> addresses, boolean answer) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> serve(addresses), "test-dns");
        thread.setDaemon(true);
        if (answer) {
            thread.start();
        }
    }

    /**
     * @param addresses IPv4 address by host name ({@code registry.test} to {@code 127.0.0.1})
     */
    public static TestDns answering(Map<String, String> addresses) throws SocketException {
        return new TestDns(addresses, true);
    }

    /** A port that is open, so nothing refuses the query, and never answers. */
    public static TestDns silent() throws SocketException {
        return new TestDns(Map.of(), false);
    }

    /** {@code 127.0.0.1:PORT}, as {@code --dns} takes it. */
    public String server() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve(Map<String, String> addresses) {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] wire = reply(java.util.Arrays.copyOf(packet.getData(), packet.getLength()), addresses, questions);
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /**
     * The answer to a query in DNS wire format: an A record for a name given, NXDOMAIN for the
     * rest; the question added to {@code questions}.
     */
    static byte[] reply(byte[] wire, Map<String, String> addresses, List<String> questions) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        questions.add(question.getName() + " " + Type.string(question.getType()));
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.AA);
        reply.addRecord(question, Section.QUESTION);
        String address = addresses.get(question.getName().toString(true));
        if (address == null) {
            reply.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (question.getType() == Type.A) {
            reply.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName(address)),
                    Section.ANSWER);
        }
        return reply.toWire();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5_000);
    }
}
