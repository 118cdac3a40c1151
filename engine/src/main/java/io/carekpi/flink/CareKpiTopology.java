package io.carekpi.flink;

import io.carekpi.config.EngineConfig;
import io.carekpi.events.Decoded;
import io.carekpi.events.DecodedEvent;
import io.carekpi.events.Rejection;
import io.carekpi.kpi.CustomerSignal;
import io.carekpi.kpi.KpiFact;
import io.carekpi.schema.ConversationSummary;
import io.carekpi.kpi.WaitUpdate;
import io.carekpi.schema.KpiSnapshot;
import io.carekpi.schema.QueueGauge;
import io.carekpi.schema.SlaEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The CareKPI dataflow, built from an injected input stream so that replay, the live job and tests
 * run exactly the same operators:
 *
 * <pre>
 * decoded ─ triage ─┬─ rejected
 *                   └─ keyBy(conversation) ─ ids of earlier builds ─ conversation stage (dedup) ─┬─ late events
 *                                                              │              ├─ summaries, SLA events
 *                                          facts ──────────────┤              └─ customer signals
 *                                                              │                    │ keyBy(customer)
 *                                                              ├──── facts ── customer stage (FCR)
 *                                                    sum per grouping+window ─ keyBy(grouping) ─ windows ─ kpis
 * </pre>
 *
 * Every operator has a stable uid so savepoints survive changes of the job.
 */
public final class CareKpiTopology {
    private CareKpiTopology() {}

    /** Live mode: the longest the stages that emit in bursts leave a part-filled network buffer unsent. */
    static final long BURST_FLUSH_MS = 5;

    /** How the job runs: live (unbounded, early firing) or replay (bounded, BATCH execution). */
    public enum Mode { LIVE, REPLAY }

    /** The streams the topology produces; the caller attaches sinks. */
    public record Outputs(
            DataStream<KpiSnapshot> kpis,
            DataStream<ConversationSummary> conversations,
            DataStream<SlaEvent> sla,
            DataStream<Rejection> rejected,
            DataStream<Rejection> late,
            DataStream<KpiFact> lateFacts,
            DataStream<QueueGauge> gauges) {}

    /**
     * @param decoded every input record, decoded by its source ({@code io.EventDecoder}); in live
     *     mode the source must assign watermarks (per partition) with {@link #sourceWatermarks}; in
     *     replay mode watermarks are not used.
     */
    public static Outputs build(DataStream<Decoded> decoded, EngineConfig config, Mode mode) {
        return build(decoded, config, mode, Long.MAX_VALUE);
    }

    /**
     * @param asOf replay only: deadlines, FCR verdicts and other timers due after this instant do not
     *     fire at the end of the input ({@link Long#MAX_VALUE}: every timer fires)
     */
    public static Outputs build(DataStream<Decoded> decoded, EngineConfig config, Mode mode, long asOf) {
        SingleOutputStreamOperator<DecodedEvent> accepted = decoded
                .process(new TriageFunction())
                .name("route rejections, drop unknown types").uid("triage");

        SingleOutputStreamOperator<DecodedEvent> unique = accepted
                .keyBy(DecodedEvent::conversationId, StringKeySerializer.TYPE)
                .transform("ids kept by earlier builds", TypeInformation.of(DecodedEvent.class),
                        new MigratingKeyedProcessOperator<>(new EarlierBuildIds()))
                .uid("dedup");

        SingleOutputStreamOperator<KpiFact> conversationFacts = DataStreamUtils
                .reinterpretAsKeyedStream(unique, DecodedEvent::conversationId, StringKeySerializer.TYPE)
                .transform("conversation stage", TypeInformation.of(KpiFact.class),
                        new MigratingKeyedProcessOperator<>(mode == Mode.LIVE
                                ? new ConversationFunction(config) : new ConversationFunction(config, asOf)))
                .uid("conversations");

        DataStream<CustomerSignal> signals = conversationFacts.getSideOutput(ConversationFunction.CUSTOMER_SIGNALS);
        SingleOutputStreamOperator<KpiFact> customerFacts = signals
                .keyBy(s -> s.customerId, StringKeySerializer.TYPE)
                .transform("customer stage (FCR)", TypeInformation.of(KpiFact.class),
                        new MigratingKeyedProcessOperator<>(mode == Mode.LIVE
                                ? new CustomerFunction(config) : new CustomerFunction(config, asOf)))
                .uid("customers");

        SingleOutputStreamOperator<WindowCell> preAggregated = conversationFacts.union(customerFacts)
                .transform("sum per grouping and window", TypeInformation.of(WindowCell.class),
                        new PreAggregator(config))
                .uid("pre-aggregate");
        SingleOutputStreamOperator<KpiSnapshot> kpis = preAggregated
                .keyBy(WindowCell::key, StringKeySerializer.TYPE)
                .transform("windowed KPIs", TypeInformation.of(KpiSnapshot.class),
                        new MigratingKeyedProcessOperator<>(new WindowedKpiFunction(config, mode == Mode.LIVE)))
                .uid("windows");
        if (mode == Mode.LIVE) {
            // The facts leave the conversation and customer stages in bursts (when the watermark
            // passes their events), and PreAggregator's sums once per watermark: the last records of
            // a burst would wait in a part-filled network buffer for Flink's default 100 ms.
            conversationFacts.setBufferTimeout(BURST_FLUSH_MS);
            customerFacts.setBufferTimeout(BURST_FLUSH_MS);
            preAggregated.setBufferTimeout(BURST_FLUSH_MS);
        }

        // Live gauges: processing-time readings, so live mode only (an empty stream in replay).
        DataStream<QueueGauge> gauges = conversationFacts.getSideOutput(ConversationFunction.WAITING)
                .flatMap(new WaitGroupings(mode == Mode.LIVE)).returns(WaitUpdate.class)
                .name("waits per queue and channel").uid("waits")
                .keyBy(u -> QueueGaugeFunction.key(u.channel, u.queue), StringKeySerializer.TYPE)
                .transform("queue gauges", TypeInformation.of(QueueGauge.class),
                        new MigratingKeyedProcessOperator<>(new QueueGaugeFunction(config.earlyFiringInterval.toMillis())))
                .uid("queue-gauges");

        return new Outputs(
                kpis,
                conversationFacts.getSideOutput(ConversationFunction.SUMMARIES),
                conversationFacts.getSideOutput(ConversationFunction.SLA_EVENTS),
                accepted.getSideOutput(TriageFunction.REJECTED),
                conversationFacts.getSideOutput(ConversationFunction.LATE),
                kpis.getSideOutput(WindowedKpiFunction.LATE_FACTS),
                gauges);
    }

    /**
     * The live source's watermarks: event time from {@code occurredAt} (rejections move nothing),
     * advancing with the wall clock when the input is quiet and {@code backlog} says it is read to
     * its end. Given to {@code fromSource}, Kafka applies it per partition.
     */
    public static WatermarkStrategy<Decoded> sourceWatermarks(EngineConfig config,
                                                              LiveWatermarks.Backlog<Decoded> backlog) {
        long bound = config.outOfOrderness.toMillis();
        return WatermarkStrategy.<Decoded>forGenerator(ctx -> new LiveWatermarks<>(bound, backlog))
                .withTimestampAssigner((r, ts) -> r.eventTime());
    }

    /**
     * Execution settings of live mode: watermarks emitted often enough for 1 s SLA alerts, and
     * object reuse: chained operators hand each record on instead of deep-copying it (Avro's generic
     * copy of every event and output took an eighth of the live job's CPU). Safe because no operator
     * changes a record it received or emitted: records are built once (Avro builders, fresh POJOs) and
     * only read after; state keeps its own values (the heap backend copies on write during snapshots).
     */
    public static void configureLive(StreamExecutionEnvironment env) {
        env.getConfig().setAutoWatermarkInterval(100L);
        env.getConfig().enableObjectReuse();

    }
}
