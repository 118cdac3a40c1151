package io.carekpi.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A real ZooKeeper server (standalone, data in a directory) on 127.0.0.1, for Flink's high availability. */
public final class LocalZooKeeper implements AutoCloseable {
    private final ServerCnxnFactory factory;
    private final int port;

    private LocalZooKeeper(ServerCnxnFactory factory, int port) {
        this.factory = factory;
        this.port = port;
    }

    public static LocalZooKeeper start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = ChildProcesses.freePort();
        ZooKeeperServer server = new ZooKeeperServer(dir.resolve("snapshots").toFile(), dir.resolve("log").toFile(), 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        factory.startup(server);
        return new LocalZooKeeper(factory, port);
    }

    /** {@code 127.0.0.1:port}, Flink's {@code high-availability.zookeeper.quorum}. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        factory.shutdown();
    }
}
