package io.carekpi.connectors.influx;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach InfluxDB through its v1 HTTP API ({@code /write}, {@code /query}):
 * InfluxDB 1.x natively, 2.x and 3.x through their v1 compatibility endpoints.
 *
 * <p>Credentials come only from the caller (the job reads them from its environment or
 * configuration); nothing here has a default user or password. They are sent with HTTP basic
 * authentication: for InfluxDB 1.x a user and password (omit both when auth is disabled); for
 * 2.x OSS the user and password of a v1 authorization ({@code influx v1 auth create}); for InfluxDB
 * Cloud 2 and 3.x any non-empty user name and an API token as the password. The value is
 * serialized into the job graph with the sink, as Kafka client properties are;
 * {@link #toString()} never shows the password.
 *
 * <p>Defaults: no credentials, the database's default retention policy, connect timeout 10 s,
 * read/write timeout 30 s, no gzip.
 *
 * @param url base URL, e.g. {@code http://influxdb:8086} (no path, no credentials in it)
 * @param database the database (1.x) or the bucket mapped by a DBRP mapping (2.x) or database
 *     (3.x) written to; it must exist: the sink creates nothing
 * @param username user name, or null for no authentication
 * @param password password or token, or null
 * @param retentionPolicy retention policy to write to, or null for the database default
 * @param connectTimeout TCP connect timeout; a refused or timed-out connection is retried by the
 *     sink, so this bounds how long one attempt waits, not how long the sink waits
 * @param readTimeout socket read and write timeout of one request. Shorter values detect a hung
 *     server sooner; too short a value makes slow-but-successful writes time out and be sent again
 *     (harmless, writes are idempotent, but it doubles the load on a struggling server)
 * @param gzip gzip request bodies: line protocol compresses about 10:1, which matters over a WAN or
 *     a metered link, at the cost of some CPU on both sides
 */
public record InfluxConnection(
        String url,
        String database,
        String username,
        String password,
        String retentionPolicy,
        Duration connectTimeout,
        Duration readTimeout,
        boolean gzip) implements Serializable {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    public InfluxConnection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(database, "database");
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("InfluxDB url must be http:// or https://, got " + url);
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("Put InfluxDB credentials in withCredentials(), not in the url");
        }
        if (database.isBlank()) {
            throw new IllegalArgumentException("InfluxDB database must not be blank");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("InfluxDB username and password go together (both or neither)");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("InfluxDB timeouts must be positive");
        }
    }

    /** A connection without credentials, with the default timeouts. */
    public static InfluxConnection of(String url, String database) {
        return new InfluxConnection(url, database, null, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
                false);
    }

    /** Same connection with a user and password (1.x) or any user name and a token (2.x, 3.x). */
    public InfluxConnection withCredentials(String user, String passwordOrToken) {
        return new InfluxConnection(url, database, user, passwordOrToken, retentionPolicy, connectTimeout,
                readTimeout, gzip);
    }

    public InfluxConnection withRetentionPolicy(String policy) {
        return new InfluxConnection(url, database, username, password, policy, connectTimeout, readTimeout, gzip);
    }

    public InfluxConnection withTimeouts(Duration connect, Duration read) {
        return new InfluxConnection(url, database, username, password, retentionPolicy, connect, read, gzip);
    }

    public InfluxConnection withGzip(boolean enabled) {
        return new InfluxConnection(url, database, username, password, retentionPolicy, connectTimeout, readTimeout,
                enabled);
    }

    public InfluxConnection withDatabase(String otherDatabase) {
        return new InfluxConnection(url, otherDatabase, username, password, retentionPolicy, connectTimeout,
                readTimeout, gzip);
    }

    @Override
    public String toString() {
        return "InfluxConnection[url=" + url + ", database=" + database + ", username=" + username
                + ", password=" + (password == null ? "null" : "*****") + ", retentionPolicy=" + retentionPolicy
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", gzip=" + gzip + "]";
    }
}
