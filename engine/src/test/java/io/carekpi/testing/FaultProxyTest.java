package io.carekpi.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.carekpi.testing.FaultProxy.Fault;
import io.carekpi.testing.FaultProxy.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each fault of {@link FaultProxy} does what it says, against a local echo server (TCP) and a
 * local HTTP server: what the client and the server each see, and what the proxy counts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyTest {
    private static final byte[] TEN = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final EchoServer echo = new EchoServer();
    private final List<AutoCloseable> toClose = new ArrayList<>(List.of(echo));

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FaultProxy tcpProxy() {
        FaultProxy proxy = FaultProxy.tcp("127.0.0.1", echo.port());
        toClose.add(proxy);
        return proxy;
    }

    private Socket connect(FaultProxy proxy) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        toClose.add(s);
        return s;
    }

    @Test
    void withoutAFaultItForwardsBothWays() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket s = connect(proxy);
        s.getOutputStream().write(TEN);
        assertThat(s.getInputStream().readNBytes(TEN.length)).isEqualTo(TEN);
        assertThat(proxy.connections()).isEqualTo(1);
        for (Kind k : Kind.values()) {
            assertThat(proxy.injected(k)).as("%s injected", k).isZero();
        }
    }

    @Test
    void latencyDelaysEveryChunkBothWays() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket s = connect(proxy);
        proxy.set(Fault.latency(300));
        long start = System.nanoTime();
        s.getOutputStream().write(TEN);
        assertThat(s.getInputStream().readNBytes(TEN.length)).isEqualTo(TEN);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("request and answer each waited")
                .isGreaterThanOrEqualTo(600);
        assertThat(proxy.injected(Kind.LATENCY)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void resetResetsOpenConnectionsAndNewOnesUntilLifted() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket open = connect(proxy);
        open.getOutputStream().write(TEN);
        assertThat(open.getInputStream().readNBytes(TEN.length)).isEqualTo(TEN);

        proxy.set(Fault.reset());
        assertThatThrownBy(() -> open.getInputStream().read()).as("the open connection")
                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        Socket later = connect(proxy);
        assertThatThrownBy(() -> {
            later.getOutputStream().write(TEN);
            later.getInputStream().read();
        }).as("a new connection").isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(proxy.injected(Kind.RESET)).isEqualTo(2);

        proxy.set(Fault.NONE);
        Socket after = connect(proxy);
        after.getOutputStream().write(TEN);
        assertThat(after.getInputStream().readNBytes(TEN.length)).isEqualTo(TEN);
    }

    @Test
    void stallHoldsTheRestOfAResponseOnceWithTheConnectionOpen() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket s = connect(proxy);
        proxy.set(Fault.stall(1_500));
        long start = System.nanoTime();
        s.getOutputStream().write(TEN);
        InputStream in = s.getInputStream();
        byte[] first = new byte[TEN.length];
        int n = in.read(first);
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        byte[] rest = in.readNBytes(TEN.length - n);
        long allMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(n).as("bytes before the stall").isBetween(1, TEN.length - 1);
        assertThat(firstMillis).as("the first part came at once").isLessThan(1_000);
        assertThat(allMillis).as("the rest came after the stall").isGreaterThanOrEqualTo(1_500);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(first, 0, n);
        all.write(rest);
        assertThat(all.toByteArray()).isEqualTo(TEN);
        assertThat(proxy.injected(Kind.STALL)).isEqualTo(1);

        start = System.nanoTime();
        s.getOutputStream().write(TEN);
        assertThat(in.readNBytes(TEN.length)).isEqualTo(TEN);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("one stall per connection and set")
                .isLessThan(1_000);
    }

    @Test
    void cutResponseForwardsTheFirstBytesThenCloses() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket s = connect(proxy);
        proxy.set(Fault.cutResponse(3));
        s.getOutputStream().write(TEN);
        assertThat(s.getInputStream().readAllBytes()).as("what the client got before the end of the stream")
                .isEqualTo("012".getBytes(StandardCharsets.US_ASCII));
        assertThat(echo.received.poll(10, TimeUnit.SECONDS)).as("the server got the whole request").isEqualTo(10);
        assertThat(proxy.injected(Kind.CUT_RESPONSE)).isEqualTo(1);
    }

    @Test
    void cutRequestForwardsTheFirstBytesThenCloses() throws Exception {
        FaultProxy proxy = tcpProxy();
        Socket s = connect(proxy);
        proxy.set(Fault.cutRequest(3));
        s.getOutputStream().write(TEN);
        s.getInputStream().readAllBytes(); // until the proxy closes
        assertThat(echo.received.poll(10, TimeUnit.SECONDS)).as("bytes the server got before the end of the stream")
                .isEqualTo(3);
        assertThat(proxy.injected(Kind.CUT_REQUEST)).isEqualTo(1);
    }

    @Test
    void http503AnswersEveryNthRequestItselfAndKeepsTheConnection() throws Exception {
        AtomicInteger served = new AtomicInteger();
        List<String> bodies = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/write", exchange -> {
            synchronized (bodies) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            served.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        toClose.add(() -> server.stop(0));
        FaultProxy proxy = FaultProxy.http("127.0.0.1", server.getAddress().getPort());
        toClose.add(proxy);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        proxy.set(Fault.http503(2));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            statuses.add(post(client, proxy, "point " + i));
        }
        assertThat(statuses).containsExactly(204, 503, 204, 503);
        assertThat(bodies).as("only the forwarded requests reached the server, whole")
                .containsExactly("point 1", "point 3");

        proxy.set(Fault.http503(1));
        assertThat(post(client, proxy, "point 5")).isEqualTo(503);
        proxy.set(Fault.NONE);
        assertThat(post(client, proxy, "point 6")).isEqualTo(204);

        assertThat(served.get()).isEqualTo(3);
        assertThat(proxy.injected(Kind.HTTP_503)).isEqualTo(3);
        assertThat(proxy.connections()).as("a 503 answer leaves the connection usable").isEqualTo(1);
    }

    @Test
    void http503NeedsAnHttpProxy() {
        FaultProxy proxy = tcpProxy();
        assertThatThrownBy(() -> proxy.set(Fault.http503(1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static int post(HttpClient client, FaultProxy proxy, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.url() + "/write"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Echoes what it reads; for each connection, puts the number of bytes read until its end in {@link #received}. */
    private static final class EchoServer implements AutoCloseable {
        final BlockingQueue<Integer> received = new LinkedBlockingQueue<>();
        private final ServerSocket server;

        EchoServer() {
            try {
                server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Thread t = new Thread(this::serve, "echo-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> echo(s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            int total = 0;
            try (s) {
                byte[] buffer = new byte[1024];
                for (int n = s.getInputStream().read(buffer); n >= 0; n = s.getInputStream().read(buffer)) {
                    total += n;
                    s.getOutputStream().write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the proxy closed or reset the connection
            }
            received.add(total);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
