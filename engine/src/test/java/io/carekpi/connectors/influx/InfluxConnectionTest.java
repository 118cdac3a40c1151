package io.carekpi.connectors.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InfluxConnectionTest {

    @Test
    void shouldNeverShowThePasswordInToString() {
        InfluxConnection c = InfluxConnection.of("http://influxdb:8086", "carekpi").withCredentials("writer", "s3cret");

        assertThat(c.toString()).contains("writer").doesNotContain("s3cret");
    }

    @Test
    void shouldHaveNoCredentialsAndTheDocumentedTimeoutsByDefault() {
        InfluxConnection c = InfluxConnection.of("https://influx.example.com", "carekpi");

        assertThat(c.username()).isNull();
        assertThat(c.password()).isNull();
        assertThat(c.retentionPolicy()).isNull();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.gzip()).isFalse();
    }

    @Test
    void shouldRefuseCredentialsInTheUrl() {
        assertThatThrownBy(() -> InfluxConnection.of("http://admin:pw@influxdb:8086", "carekpi"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withCredentials");
    }

    @Test
    void shouldRefuseAUserWithoutPassword() {
        assertThatThrownBy(() -> InfluxConnection.of("http://influxdb:8086", "carekpi").withCredentials("writer", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseANonHttpUrl() {
        assertThatThrownBy(() -> InfluxConnection.of("udp://influxdb:8089", "carekpi"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
