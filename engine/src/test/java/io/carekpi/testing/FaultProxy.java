package io.carekpi.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that puts a slow or failing network between a client and a real server
 * (InfluxDB, a Kafka broker), with a fault that the test switches while traffic flows
 * ({@link #set}). Each client connection gets its own connection to the target and two threads,
 * one per direction, that forward what they read chunk by chunk, applying the fault in force when
 * the chunk arrives:
 *
 * <table>
 *   <caption>faults</caption>
 *   <tr><th>fault</th><th>what the proxy does</th></tr>
 *   <tr><td>{@link Kind#NONE}</td><td>forwards</td></tr>
 *   <tr><td>{@link Kind#LATENCY}</td><td>waits {@code amount} ms before forwarding each chunk, both ways</td></tr>
 *   <tr><td>{@link Kind#RESET}</td><td>resets (RST: {@code SO_LINGER} 0, then close) every open
 *       connection when set, and every new one as it is accepted</td></tr>
 *   <tr><td>{@link Kind#STALL}</td><td>once per connection and per {@link #set}: forwards the first half
 *       of the next chunk of the server's response, then holds the rest for {@code amount} ms, the
 *       connection open</td></tr>
 *   <tr><td>{@link Kind#CUT_RESPONSE}</td><td>forwards the first {@code amount} bytes (fewer than the whole)
 *       of the next chunk of the server's response, then closes the connection both ways</td></tr>
 *   <tr><td>{@link Kind#CUT_REQUEST}</td><td>the same with the next chunk of the client's request: the
 *       server gets a request cut part way</td></tr>
 *   <tr><td>{@link Kind#HTTP_503}</td><td>({@link #http} proxies only) answers every {@code amount}-th request
 *       itself with {@code 503 Service Unavailable}, {@code Content-Length: 0}, without forwarding it;
 *       the connection stays usable</td></tr>
 * </table>
 *
 * <p>An {@link #http} proxy reads the client's side as HTTP/1.1 requests (head, then a body of
 * {@code Content-Length} bytes; a chunked request body is not supported and closes the connection)
 * so that it can answer one request itself; the server's side is forwarded as bytes. Counters
 * ({@link #connections()}, {@link #injected}) tell a test that its fault really happened.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.http("127.0.0.1", influx.httpPort())) {
 *     ... InfluxConnection.of(proxy.url(), "carekpi") ...
 *     proxy.set(FaultProxy.Fault.http503(2));
 *     ...
 *     assertThat(proxy.injected(FaultProxy.Kind.HTTP_503)).isPositive();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    /** The kinds of fault; see the table on {@link FaultProxy}. */
    public enum Kind { NONE, LATENCY, RESET, STALL, CUT_RESPONSE, CUT_REQUEST, HTTP_503 }

    /**
     * A fault and its amount: milliseconds for {@link Kind#LATENCY} and {@link Kind#STALL}, bytes
     * for the cuts, {@code n} (every n-th request; 1: all) for {@link Kind#HTTP_503}.
     */
    public record Fault(Kind kind, long amount) {
        public static final Fault NONE = new Fault(Kind.NONE, 0);

        public Fault {
            if (kind != Kind.NONE && kind != Kind.RESET && amount <= 0) {
                throw new IllegalArgumentException(kind + " needs a positive amount, got " + amount);
            }
        }

        public static Fault latency(long millisPerChunk) {
            return new Fault(Kind.LATENCY, millisPerChunk);
        }

        public static Fault reset() {
            return new Fault(Kind.RESET, 0);
        }

        public static Fault stall(long millis) {
            return new Fault(Kind.STALL, millis);
        }

        public static Fault cutResponse(int bytes) {
            return new Fault(Kind.CUT_RESPONSE, bytes);
        }

        public static Fault cutRequest(int bytes) {
            return new Fault(Kind.CUT_REQUEST, bytes);
        }

        public static Fault http503(int everyNth) {
            return new Fault(Kind.HTTP_503, everyNth);
        }

        @Override
        public String toString() {
            return kind == Kind.NONE || kind == Kind.RESET ? kind.name() : kind + "(" + amount + ")";
        }
    }

    private static final byte[] SERVICE_UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEAD = 64 * 1024;

    private final String targetHost;
    private final int targetPort;
    private final boolean http;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
    /** Requests seen while {@link Kind#HTTP_503} was in force, to pick every n-th. */
    private final AtomicLong requestsIn503 = new AtomicLong();
    /** Incremented by every {@link #set} of a stall: each connection stalls once per value. */
    private final AtomicInteger stallRound = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, boolean http) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.http = http;
        for (Kind k : Kind.values()) {
            injected.put(k, new AtomicLong());
        }
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a port for the fault proxy", e);
        }
        Thread accept = new Thread(this::acceptLoop, "fault-proxy-" + port() + "-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy to any TCP server (no {@link Kind#HTTP_503}). */
    public static FaultProxy tcp(String targetHost, int targetPort) {
        return new FaultProxy(targetHost, targetPort, false);
    }

    /** A proxy to an HTTP/1.1 server, which can also answer requests with 503 itself. */
    public static FaultProxy http(String targetHost, int targetPort) {
        return new FaultProxy(targetHost, targetPort, true);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, e.g. as Kafka's bootstrap servers. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://" + address();
    }

    /** Switches the fault, for the chunks and connections from now on (a reset also resets the open ones). */
    public void set(Fault f) {
        if (f.kind() == Kind.HTTP_503 && !http) {
            throw new IllegalArgumentException("HTTP_503 needs a proxy made with FaultProxy.http");
        }
        if (f.kind() == Kind.STALL) {
            stallRound.incrementAndGet();
        }
        fault = f;
        if (f.kind() == Kind.RESET) {
            links.forEach(Link::reset);
        }
    }

    public Fault fault() {
        return fault;
    }

    /** Client connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /**
     * How many times a fault of this kind was applied: chunks delayed, connections reset, stalls,
     * cuts, requests answered with 503.
     */
    public long injected(Kind kind) {
        return injected.get(kind).get();
    }

    /** The counters, for a test's messages. */
    public String counters() {
        StringBuilder b = new StringBuilder("connections=").append(connections());
        injected.forEach((k, n) -> {
            if (k != Kind.NONE) {
                b.append(", ").append(k.name().toLowerCase(Locale.ROOT)).append('=').append(n.get());
            }
        });
        return b.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(Link::close);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Link link = new Link(client);
            links.add(link);
            Thread t = new Thread(link::run, "fault-proxy-" + port() + "-link");
            t.setDaemon(true);
            t.start();
        }
    }

    private void count(Kind kind) {
        injected.get(kind).incrementAndGet();
    }

    /** One client connection, its connection to the target, and its two forwarding threads. */
    private final class Link {
        private final Socket client;
        private final Socket target = new Socket();
        private final Object toClient = new Object();
        /** The stall round this connection last stalled in (rounds start at 1). */
        private int stalledInRound;
        private volatile boolean done;

        Link(Socket client) {
            this.client = client;
        }

        /** Connects to the target; forwards the server's side in a thread of its own, the client's in this one. */
        void run() {
            try {
                if (fault.kind() == Kind.RESET) {
                    reset();
                    return;
                }
                target.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                Thread responses = new Thread(this::forwardResponses, "fault-proxy-" + port() + "-responses");
                responses.setDaemon(true);
                responses.start();
                if (http) {
                    forwardRequests(new BufferedInputStream(client.getInputStream()));
                } else {
                    forwardAll(client.getInputStream(), false);
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended (or was reset or cut by us): close the rest of it
            } finally {
                close();
            }
        }

        private void forwardResponses() {
            try {
                forwardAll(target.getInputStream(), true);
            } catch (IOException | InterruptedException e) {
                // as in run()
            } finally {
                close();
            }
        }

        /** Forwards chunks from {@code in} to the other side until either side ends or a fault cuts. */
        private void forwardAll(InputStream in, boolean response) throws IOException, InterruptedException {
            byte[] buffer = new byte[16 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!forward(buffer, n, response)) {
                    return;
                }
            }
        }

        /**
         * The client's side as HTTP requests: each head (through the blank line) and its body of
         * {@code Content-Length} bytes is forwarded as chunks, or answered with 503 here.
         */
        private void forwardRequests(InputStream in) throws IOException, InterruptedException {
            byte[] buffer = new byte[16 * 1024];
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                long remaining = contentLength(head);
                Fault f = fault;
                if (f.kind() == Kind.HTTP_503 && requestsIn503.incrementAndGet() % f.amount() == 0) {
                    in.skipNBytes(remaining);
                    write(client.getOutputStream(), SERVICE_UNAVAILABLE, 0, SERVICE_UNAVAILABLE.length, true);
                    count(Kind.HTTP_503);
                    continue;
                }
                if (!forward(head, head.length, false)) {
                    return;
                }
                while (remaining > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (n < 0 || !forward(buffer, n, false)) {
                        return;
                    }
                    remaining -= n;
                }
            }
        }

        /**
         * Forwards one chunk with the fault in force applied; false when the fault ended the
         * connection (reset or cut).
         */
        private boolean forward(byte[] chunk, int n, boolean response) throws IOException, InterruptedException {
            OutputStream out = response ? client.getOutputStream() : target.getOutputStream();
            Fault f = fault;
            switch (f.kind()) {
                case LATENCY -> {
                    count(Kind.LATENCY);
                    Thread.sleep(f.amount());
                }
                case RESET -> {
                    reset();
                    return false;
                }
                case STALL -> {
                    int round = stallRound.get();
                    if (response && stalledInRound != round) {
                        stalledInRound = round;
                        int first = Math.max(1, n / 2);
                        write(out, chunk, 0, first, response);
                        count(Kind.STALL);
                        Thread.sleep(f.amount());
                        write(out, chunk, first, n - first, response);
                        return true;
                    }
                }
                case CUT_RESPONSE, CUT_REQUEST -> {
                    if (response == (f.kind() == Kind.CUT_RESPONSE) && n > 1) {
                        write(out, chunk, 0, (int) Math.min(f.amount(), n - 1), response);
                        count(f.kind());
                        close();
                        return false;
                    }
                }
                default -> { }
            }
            write(out, chunk, 0, n, response);
            return true;
        }

        private void write(OutputStream out, byte[] bytes, int off, int len, boolean toClientSide) throws IOException {
            if (toClientSide) {
                synchronized (toClient) { // the 503 answers and the responses share the client's side
                    out.write(bytes, off, len);
                    out.flush();
                }
            } else {
                out.write(bytes, off, len);
                out.flush();
            }
        }

        /** Closes both sides with RST (once). */
        void reset() {
            if (done) {
                return;
            }
            count(Kind.RESET);
            try {
                client.setSoLinger(true, 0);
                if (target.isConnected()) {
                    target.setSoLinger(true, 0);
                }
            } catch (IOException ignored) {
                // already closed: nothing to reset
            }
            close();
        }

        /** Closes both sides (FIN, or RST after {@link #reset}). */
        void close() {
            done = true;
            links.remove(this);
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    /** The request head through its blank line, or null if the client closed before sending one. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the client closed in the middle of a request head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head larger than " + MAX_HEAD + " bytes");
            }
        }
        return head.toByteArray();
    }

    /** The head's {@code Content-Length}, 0 without one; a chunked body is refused. */
    static long contentLength(byte[] head) throws IOException {
        long length = 0;
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                throw new IOException("the fault proxy does not read request bodies of Transfer-Encoding " + value);
            }
        }
        return length;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
