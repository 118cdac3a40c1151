/**
 * InfluxDB output of CareKPI (SPEC section 5): {@link io.carekpi.connectors.influx.LineProtocol}
 * maps KPI snapshots, SLA events and queue gauges to line protocol (plain Java),
 * {@link io.carekpi.connectors.influx.InfluxSink} writes lines from a Flink job, and
 * {@link io.carekpi.connectors.influx.InfluxQuery} reads them back with InfluxQL. The
 * {@code internal} package is the writer's implementation and may change without notice.
 */
package io.carekpi.connectors.influx;
