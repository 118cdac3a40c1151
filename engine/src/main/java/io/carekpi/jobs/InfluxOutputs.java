package io.carekpi.jobs;

import io.carekpi.connectors.influx.InfluxConnection;
import io.carekpi.connectors.influx.InfluxSink;
import io.carekpi.connectors.influx.LineProtocolConverter;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Writes the job's KPI snapshots, SLA events and live gauges to InfluxDB (SPEC section 5). */
public final class InfluxOutputs {
    private InfluxOutputs() {}

    /** Where to write; credentials only from the environment. */
    public record Settings(InfluxConnection connection) {
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
        outputs.kpis().sinkTo(InfluxSink.<KpiSnapshot>builder().setConnection(c)
                        .setElementConverter(LineProtocolConverter.kpiSnapshots()).build())
                .name("influx care_kpi").uid("sink-influx-kpi");
        outputs.sla().sinkTo(InfluxSink.<SlaEvent>builder().setConnection(c)
                        .setElementConverter(LineProtocolConverter.slaEvents()).build())
                .name("influx care_sla").uid("sink-influx-sla");
        outputs.gauges().sinkTo(InfluxSink.<QueueGauge>builder().setConnection(c)
                        .setElementConverter(LineProtocolConverter.queueGauges()).build())
                .name("influx care_queue").uid("sink-influx-queue");
    }
}
