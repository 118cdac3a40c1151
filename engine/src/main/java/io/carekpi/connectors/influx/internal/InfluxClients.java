package io.carekpi.connectors.influx.internal;

import io.carekpi.connectors.influx.InfluxConnection;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;

/** Builds the official {@link InfluxDB} client for an {@link InfluxConnection}. */
public final class InfluxClients {
    private InfluxClients() {}

    /**
     * A client with the connection's timeouts, the status-keeping interceptor and portable write
     * parameters (no {@code precision=n}: nanoseconds by default). OkHttp retries a
     * failed connection on other routes of the same host, never a request that got an answer.
     * Creating it sends nothing to the server.
     */
    public static InfluxDB connect(InfluxConnection c) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(c.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(c.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(c.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .addInterceptor(new InfluxHttpStatusInterceptor())
                .addInterceptor(new PortableWriteParameters());
        InfluxDB client = c.username() == null
                ? InfluxDBFactory.connect(c.url(), http)
                : InfluxDBFactory.connect(c.url(), c.username(), c.password(), http);
        client.setLogLevel(InfluxDB.LogLevel.NONE);
        if (c.gzip()) {
            client.enableGzip();
        }
        return client;
    }
}
