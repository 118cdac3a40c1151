package io.carekpi.connectors.influx;

import io.carekpi.connectors.influx.internal.InfluxClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Runs InfluxQL through the same client and connection settings as {@link InfluxSink} and returns
 * the result as rows: for tests, the demo and dashboard checks, not for the job itself.
 *
 * <pre>{@code
 * try (InfluxQuery influx = InfluxQuery.connect(InfluxConnection.of(url, "carekpi"))) {
 *     long revision = influx.rows("SELECT last(revision) FROM care_kpi WHERE channel = 'all'").get(0).getLong("last");
 * }
 * }</pre>
 *
 * <p>Values come back as the JSON of InfluxDB's {@code /query}: numbers as {@code Double} (exact up
 * to 2<sup>53</sup>, which covers counters, durations and epoch milliseconds), booleans, strings,
 * and {@code time} as an RFC 3339 string with nanosecond precision ({@link Row#time()} parses it).
 * Query errors, whether the server reports them as an HTTP error or inside the result, and
 * connection failures are thrown as {@link IllegalStateException} with InfluxDB's message; there is
 * no retry (callers that wait for data poll).
 */
public final class InfluxQuery implements AutoCloseable {
    private final InfluxConnection connection;
    private final InfluxDB client;

    private InfluxQuery(InfluxConnection connection) {
        this.connection = connection;
        this.client = InfluxClients.connect(connection);
    }

    public static InfluxQuery connect(InfluxConnection connection) {
        return new InfluxQuery(connection);
    }

    /** All rows of all series of all statements of a read query ({@code SELECT}, {@code SHOW}) on the connection's database. */
    public List<Row> rows(String influxQl) {
        return run(influxQl, new Query(influxQl, connection.database()));
    }

    /**
     * Runs a statement that changes something ({@code CREATE DATABASE}, {@code DROP SERIES}, ...)
     * with POST, as InfluxDB requires, and returns its rows (usually none).
     */
    public List<Row> execute(String influxQl) {
        return run(influxQl, new Query(influxQl, connection.database(), true));
    }

    private List<Row> run(String influxQl, Query query) {
        QueryResult result;
        try {
            result = client.query(query);
        } catch (InfluxDBException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("InfluxQL failed: " + cause.getMessage() + " -- " + influxQl, e);
        }
        return toRows(influxQl, result);
    }

    private static List<Row> toRows(String influxQl, QueryResult result) {
        if (result.hasError()) {
            throw new IllegalStateException("InfluxQL failed: " + result.getError() + " -- " + influxQl);
        }
        List<Row> rows = new ArrayList<>();
        if (result.getResults() == null) {
            return rows;
        }
        for (QueryResult.Result statement : result.getResults()) {
            if (statement.hasError()) {
                throw new IllegalStateException("InfluxQL failed: " + statement.getError() + " -- " + influxQl);
            }
            if (statement.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : statement.getSeries()) {
                Map<String, String> tags = series.getTags() == null ? Map.of() : Map.copyOf(series.getTags());
                List<String> columns = series.getColumns();
                if (series.getValues() == null) {
                    continue;
                }
                for (List<Object> values : series.getValues()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), values.get(i));
                    }
                    rows.add(new Row(series.getName(), tags, Collections.unmodifiableMap(row)));
                }
            }
        }
        return rows;
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * One row of a series.
     *
     * @param series the series (measurement) name, e.g. {@code care_kpi}
     * @param tags the tags of a {@code GROUP BY} series, else empty
     * @param values column to value, in column order; null where the point has no such field
     */
    public record Row(String series, Map<String, String> tags, Map<String, Object> values) {
        /** A column's value, or else a {@code GROUP BY} tag's value; null when neither. */
        public Object get(String column) {
            Object v = values.get(column);
            return v != null ? v : tags.get(column);
        }

        /** A numeric column as a long; fails on non-integral values rather than truncating them. */
        public Long getLong(String column) {
            Object v = get(column);
            if (v == null) {
                return null;
            }
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d)) {
                throw new IllegalStateException(column + " is not an integer: " + v);
            }
            return (long) d;
        }

        public Double getDouble(String column) {
            Object v = get(column);
            return v == null ? null : ((Number) v).doubleValue();
        }

        public String getString(String column) {
            Object v = get(column);
            return v == null ? null : v.toString();
        }

        public Boolean getBoolean(String column) {
            Object v = get(column);
            return v == null ? null : (Boolean) v;
        }

        /** The {@code time} column as an instant (nanosecond precision kept). */
        public Instant time() {
            String t = getString("time");
            return t == null ? null : Instant.parse(t);
        }
    }
}
