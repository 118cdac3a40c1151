package io.carekpi.jobs;

import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxSink;
import io.carekpi.connectors.influx.KpiChangesConverter;
import io.carekpi.connectors.influx.LineProtocolConverter;
import io.carekpi.config.Durations;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Writes the job's KPI snapshots, SLA events and live gauges to InfluxDB (SPEC section 5). */
public final class InfluxOutputs {
    private InfluxOutputs() {}

    /** {@link #MAX_TIME_IN_BUFFER} as text, the default of {@code --influx-max-time-in-buffer}. */
    public static final String SHIPPED_MAX_TIME_IN_BUFFER = "20ms";

    /**
     * Longest a line waits in a sink's buffer as shipped. Short, because the buffer is not what
     * batches the writes: the sink's sender joins whatever batches wait while InfluxDB answers into
     * one request, so batches grow with the load and a quiet stream's change goes at once (200 ms
     * until 2026-11-30: InfluxDB p99 freshness 1.12 s instead of 1.23-1.57 s at 20k events/s,
     * docs/benchmarks.md).
     */
    public static final Duration MAX_TIME_IN_BUFFER = Durations.parse(SHIPPED_MAX_TIME_IN_BUFFER);

    /**
     * Where to write, credentials only from the environment; and how long a line may wait in a
     * sink's buffer for its batch to fill.
     */
    public record Settings(InfluxConnection connection, Duration maxTimeInBuffer) {
        public Settings {
            if (maxTimeInBuffer.toMillis() <= 0) {
                throw new IllegalArgumentException("the InfluxDB buffer time must be at least 1 ms: " + maxTimeInBuffer);
            }
        }

        /** With the shipped buffer time, {@link #MAX_TIME_IN_BUFFER}. */
        public Settings(InfluxConnection connection) {
            this(connection, MAX_TIME_IN_BUFFER);
        }

        public Settings withMaxTimeInBuffer(Duration d) {
            return new Settings(connection, d);
        }

        /**
         * {@code INFLUX_USER} with {@code INFLUX_PASSWORD}, or with the content of the file named by
         * {@code INFLUX_PASSWORD_FILE} (a mounted secret); no credentials when neither is set.
         */
        public static Settings fromEnvironment(String url, String database) {
            return fromEnvironment(url, database, System::getenv);
        }

        /** As {@link #fromEnvironment(String, String)}, with variables looked up in {@code environment}. */
        public static Settings fromEnvironment(String url, String database, UnaryOperator<String> environment) {
            InfluxConnection c = InfluxConnection.of(url, database);
            String user = environment.apply("INFLUX_USER");
            String password = environment.apply("INFLUX_PASSWORD");
            String file = environment.apply("INFLUX_PASSWORD_FILE");
            if (password == null && file != null && !file.isBlank()) {
                try {
                    password = Files.readString(Path.of(file)).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read INFLUX_PASSWORD_FILE " + file, e);
                }
            }
            if (user != null && !user.isBlank() && password != null) {
                c = c.withCredentials(user, password);
            }
            return new Settings(c);
        }
    }

    public static void attach(CareKpiTopology.Outputs outputs, Settings settings) {
        InfluxConnection c = settings.connection();
        long buffer = settings.maxTimeInBuffer().toMillis();
        outputs.kpis().sinkTo(InfluxSink.<KpiSnapshot>builder().setConnection(c)
                        .setElementConverter(new KpiChangesConverter())
                        .setMaxTimeInBufferMS(buffer).build())
                .name("influx care_kpi").uid("sink-influx-kpi");
        outputs.sla().sinkTo(InfluxSink.<SlaEvent>builder().setConnection(c)
                        .setElementConverter(LineProtocolConverter.slaEvents())
                        .setMaxTimeInBufferMS(buffer).build())
                .name("influx care_sla").uid("sink-influx-sla");
        outputs.gauges().sinkTo(InfluxSink.<QueueGauge>builder().setConnection(c)
                        .setElementConverter(LineProtocolConverter.queueGauges())
                        .setMaxTimeInBufferMS(buffer).build())
                .name("influx care_queue").uid("sink-influx-queue");
    }
}
