package io.carekpi.connectors.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carekpi.schema.KpiSnapshot;
import java.time.Duration;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class InfluxSinkBuilderTest {
    private static final InfluxConnection CONNECTION = InfluxConnection.of("http://influxdb:8086", "carekpi");

    @Test
    void shouldApplyTheDocumentedDefaults() {
        AsyncSinkWriterConfiguration c = InfluxSink.<KpiSnapshot>builder().setConnection(CONNECTION)
                .setElementConverter(LineProtocolConverter.kpiSnapshots()).build().writerConfiguration();

        assertThat(c.getMaxBatchSize()).isEqualTo(5_000);
        assertThat(c.getMaxBatchSizeInBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(c.getMaxInFlightRequests()).as("batches that may wait for the sender").isEqualTo(32);
        assertThat(c.getMaxBufferedRequests()).isEqualTo(20_000);
        assertThat(c.getMaxTimeInBufferMS()).isEqualTo(1_000);
        assertThat(c.getMaxRecordSizeInBytes()).isEqualTo(256L * 1024);
        assertThat(c.isFailOnTimeout()).isFalse();
        assertThat(c.getRateLimitingStrategy().getMaxBatchSize()).as("lines that may wait for the sender")
                .isEqualTo(4 * 5_000);
    }

    @Test
    void shouldTakeTheOptionsItIsGiven() {
        AsyncSinkWriterConfiguration c = InfluxSink.<KpiSnapshot>builder().setConnection(CONNECTION)
                .setElementConverter(LineProtocolConverter.kpiSnapshots())
                .setMaxBatchSize(100).setMaxBufferedRequests(1_000).setMaxInFlightRequests(2)
                .setMaxTimeInBufferMS(50).setMaxBatchSizeInBytes(1_000_000).setMaxRecordSizeInBytes(10_000)
                .setRetryBackoff(Duration.ofMillis(10), Duration.ofSeconds(1))
                .build().writerConfiguration();

        assertThat(c.getMaxBatchSize()).isEqualTo(100);
        assertThat(c.getMaxBufferedRequests()).isEqualTo(1_000);
        assertThat(c.getMaxInFlightRequests()).isEqualTo(2);
        assertThat(c.getMaxTimeInBufferMS()).isEqualTo(50);
        assertThat(c.getMaxBatchSizeInBytes()).isEqualTo(1_000_000);
        assertThat(c.getMaxRecordSizeInBytes()).isEqualTo(10_000);
    }

    @Test
    void shouldRequireAConnectionAndAConverter() {
        assertThatThrownBy(() -> InfluxSink.<KpiSnapshot>builder()
                .setElementConverter(LineProtocolConverter.kpiSnapshots()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setConnection");
        assertThatThrownBy(() -> InfluxSink.<KpiSnapshot>builder().setConnection(CONNECTION).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("setElementConverter");
    }

    @Test
    void shouldRejectABufferNoLargerThanABatchBeforeTheJobIsDeployed() {
        assertThatThrownBy(() -> InfluxSink.<KpiSnapshot>builder().setConnection(CONNECTION)
                .setElementConverter(LineProtocolConverter.kpiSnapshots())
                .setMaxBatchSize(5_000).setMaxBufferedRequests(5_000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBufferedRequests");
        assertThatThrownBy(() -> InfluxSink.<KpiSnapshot>builder().setConnection(CONNECTION)
                .setElementConverter(LineProtocolConverter.kpiSnapshots())
                .setMaxBatchSizeInBytes(1_000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordSizeInBytes");
    }

    @Test
    void shouldSurviveJavaSerializationAsFlinkShipsItToTaskManagers() throws Exception {
        InfluxSink<KpiSnapshot> sink = InfluxSink.<KpiSnapshot>builder()
                .setConnection(CONNECTION.withCredentials("writer", "s3cret"))
                .setElementConverter(LineProtocolConverter.kpiSnapshots()).build();

        InfluxSink<KpiSnapshot> copy = InstantiationUtil.clone(sink);

        assertThat(copy.connection()).isEqualTo(sink.connection());
        assertThat(copy.writerConfiguration().getMaxBatchSize()).isEqualTo(5_000);
    }
}
