package dev.jreg.internal.registry;

import dev.jreg.DnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import okhttp3.Dns;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Resolves a registry's hosts through the DNS servers named for it, each in turn: A and AAAA
 * queries, asked together, of a plain server through dnsjava's {@link SimpleResolver}, which drops
 * an answer whose transaction id or question is not the query's, and of a DNS-over-HTTPS server
 * through the transport's {@link OverHttps}. A server that does not answer in time, fails
 * (SERVFAIL, REFUSED, an HTTP or TLS failure) or cannot be reached passes the name to the next;
 * one that says the name does not exist is believed. Answers are kept for their TTL, a
 * DNS-over-HTTPS server's for {@link #HTTPS_ANSWER_LIFETIME}. The system resolver is never asked
 * for the registry's hosts, except for {@code localhost}, which no DNS server serves. OkHttp
 * connects to the addresses and still verifies TLS against the host's name.
 */
// okhttp3.Dns declares a Record type of its own: dnsjava's is named in full below.
final class RegistryDns implements Dns {
    /**
     * How long a DNS-over-HTTPS server's answer is kept: OkHttp's client does not pass on the
     * records' TTL, and parallel blob downloads would otherwise ask again for each connection.
     */
    static final Duration HTTPS_ANSWER_LIFETIME = Duration.ofSeconds(30);
    private final List<DnsServer> servers;
    private final OverHttps overHttps;
    private final Duration timeout;
    private final Consumer<String> debug;
    /**
     * Answers by host name until their TTL runs out: parallel blob downloads open a connection
     * each, and each would otherwise wait out a dead first server again.
     */
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    private record Answer(List<InetAddress> addresses, long expiresNanos) {
    }

    /** The transport's way to DNS-over-HTTPS servers (RFC 8484). */
    interface OverHttps {
        /**
         * The name's A and AAAA addresses from the server, as OkHttp's {@code DnsOverHttps} gives
         * them.
         *
         * @throws UnknownHostException the server's NXDOMAIN or SERVFAIL, or, with the failure as
         *     its cause, a request that failed
         */
        List<InetAddress> lookup(DnsServer server, String hostname) throws UnknownHostException;

        /** What went wrong in a request to the server, for a message. */
        String why(DnsServer server, IOException failure);
    }

    /**
     * @param overHttps how DNS-over-HTTPS servers among them are asked
     * @param timeout how long each server has to answer
     * @param debug told which server answered which name, and which failed; or null
     */
    RegistryDns(List<DnsServer> servers, OverHttps overHttps, Duration timeout, Consumer<String> debug) {
        this.servers = List.copyOf(servers);
        this.overHttps = overHttps;
        this.timeout = timeout;
        this.debug = debug;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        if (hostname.equalsIgnoreCase("localhost")) {
            return Dns.SYSTEM.lookup(hostname);
        }
        Answer known = answers.get(hostname);
        if (known != null && known.expiresNanos() - System.nanoTime() > 0) {
            return known.addresses();
        }
        Name name;
        try {
            name = Name.fromString(hostname, Name.root);
        } catch (TextParseException e) {
            throw new NotFound(hostname + ": not a host name", e);
        }
        List<String> failures = new ArrayList<>();
        for (DnsServer server : servers) {
            long start = System.nanoTime();
            try {
                Answer answer = server.https() ? askOverHttps(server, hostname) : ask(server, name, hostname);
                List<InetAddress> addresses = answer.addresses();
                tell("dns: " + hostname + " -> " + addresses.stream().map(InetAddress::getHostAddress).toList()
                        + " from " + server + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
                if (addresses.isEmpty()) {
                    throw new NotFound("host " + hostname + " not found by DNS server " + server, null);
                }
                answers.put(hostname, answer);
                return addresses;
            } catch (ServerFailure e) {
                tell("dns: " + server + " failed for " + hostname + ": " + e.getMessage());
                failures.add(server + ": " + e.getMessage());
            }
        }
        throw new NotFound("no DNS server answered for " + hostname + " (" + String.join(", ", failures) + ")", null);
    }

    private Answer ask(DnsServer server, Name name, String hostname) throws ServerFailure {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(server.host(), server.port()));
        resolver.setTimeout(timeout);
        CompletableFuture<Message> a = query(resolver, name, Type.A);
        CompletableFuture<Message> aaaa = query(resolver, name, Type.AAAA);
        List<org.xbill.DNS.Record> records = new ArrayList<>(answer(a).getSection(Section.ANSWER));
        records.addAll(answer(aaaa).getSection(Section.ANSWER));
        long ttl = records.stream().mapToLong(org.xbill.DNS.Record::getTTL).min().orElse(0);
        return new Answer(addresses(records, name, hostname), System.nanoTime() + ttl * 1_000_000_000L);
    }

    /**
     * OkHttp's client answers NXDOMAIN, and NOERROR without addresses, with an
     * {@link UnknownHostException} of no cause: believed, as a plain server's. SERVFAIL, and a
     * request that failed, pass the name on.
     */
    private Answer askOverHttps(DnsServer server, String hostname) throws ServerFailure {
        List<InetAddress> found;
        try {
            found = overHttps.lookup(server, hostname);
        } catch (UnknownHostException e) {
            if (e.getCause() instanceof IOException failure) {
                throw new ServerFailure(overHttps.why(server, failure));
            }
            if (e.getCause() != null) { // an answer that is not a DNS message
                throw new ServerFailure(RegistryHttp.rootMessage(e));
            }
            if (e.getMessage() != null && e.getMessage().endsWith(": SERVFAIL")) {
                throw new ServerFailure("SERVFAIL");
            }
            found = List.of();
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (InetAddress address : found) {
            addresses.add(named(hostname, address.getAddress()));
        }
        return new Answer(addresses, System.nanoTime() + HTTPS_ANSWER_LIFETIME.toNanos());
    }

    private static CompletableFuture<Message> query(SimpleResolver resolver, Name name, int type) {
        return resolver.sendAsync(Message.newQuery(org.xbill.DNS.Record.newRecord(name, type, DClass.IN))).toCompletableFuture();
    }

    /** The answer, when the server gave one: NOERROR or NXDOMAIN. */
    private static Message answer(CompletableFuture<Message> query) throws ServerFailure {
        Message message;
        try {
            message = query.get();
        } catch (ExecutionException e) {
            throw new ServerFailure(RegistryHttp.phrase(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerFailure("interrupted");
        }
        int rcode = message.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new ServerFailure(Rcode.string(rcode));
        }
        return message;
    }

    /**
     * The answer's addresses for the name, following its CNAME chain within the answer; records
     * for other names are ignored.
     */
    private static List<InetAddress> addresses(List<org.xbill.DNS.Record> records, Name name, String hostname) {
        Set<Name> names = new HashSet<>(Set.of(name));
        // A chain's links may come in any order: follow until no new name is added.
        for (int added = 1; added > 0; ) {
            added = 0;
            for (org.xbill.DNS.Record record : records) {
                if (record instanceof CNAMERecord cname && names.contains(cname.getName()) && names.add(cname.getTarget())) {
                    added++;
                }
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (org.xbill.DNS.Record record : records) {
            if (!names.contains(record.getName())) {
                continue;
            }
            if (record instanceof ARecord a) {
                addresses.add(named(hostname, a.getAddress().getAddress()));
            } else if (record instanceof AAAARecord aaaa) {
                addresses.add(named(hostname, aaaa.getAddress().getAddress()));
            }
        }
        return addresses;
    }

    /** The host's own name goes with each address: OkHttp verifies TLS against the URL's host anyway. */
    private static InetAddress named(String hostname, byte[] address) {
        try {
            return InetAddress.getByAddress(hostname, address);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void tell(String line) {
        if (debug != null) {
            debug.accept(line);
        }
    }

    /** A name the registry's DNS servers do not know, or could not be asked about. */
    static final class NotFound extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        NotFound(String message, Throwable cause) {
            super(message);
            if (cause != null) {
                initCause(cause);
            }
        }
    }

    /** A server that gave no usable answer: the next one is asked. */
    private static final class ServerFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ServerFailure(String message) {
            super(message, null, false, false);
        }
    }
}
