package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.flink.LiveWatermarks;
import io.carekpi.jobs.RuntimeSettings;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventDecoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The full live topology (decode in the source, dedup, ordering, conversation and customer
 * stages, SLA timers, windows, gauges) in a local Flink over the in-memory corpus, every output
 * to a discarding sink. Returns the wall time of the whole job, start-up included.
 */
public final class EngineThroughput {
    /** The live sources' decoder, one for all generated records. */
    private static final EventDecoder DECODER = EventDecoder.live();

    private EngineThroughput() {}

    public static long runMillis(EngineConfig config, int parallelism, String stateBackend) throws Exception {
        return runMillis(config, parallelism, stateBackend, Corpus.records.length);
    }

    /** The same over the first {@code n} events of the corpus. */
    public static long runMillis(EngineConfig config, int parallelism, String stateBackend, long n) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        if ("rocksdb".equals(stateBackend)) {
            RuntimeSettings.shippedRocksDb(conf, new Configuration()); // as carekpi run sets it up
        }
        ExperimentSettings.apply(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        CareKpiTopology.configureLive(env);
        DataStream<Decoded> raw = env.fromSource(
                new DataGeneratorSource<>(i -> DECODER.decode(RawInput.avro(Corpus.records[(int) (long) i], i)), n,
                        TypeInformation.of(Decoded.class)),
                CareKpiTopology.sourceWatermarks(config, LiveWatermarks.Backlog.none()), "corpus");
        CareKpiTopology.Outputs out = CareKpiTopology.build(raw, config, CareKpiTopology.Mode.LIVE);
        discardAllButGauges(out);
        out.gauges().sinkTo(new DiscardingSink<>());
        long t0 = System.nanoTime();
        env.execute("carekpi throughput p" + parallelism + " " + stateBackend);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Every output of the topology but the live gauges to a discarding sink. */
    static void discardAllButGauges(CareKpiTopology.Outputs out) {
        out.kpis().sinkTo(new DiscardingSink<>());
        out.sla().sinkTo(new DiscardingSink<>());
        out.conversations().sinkTo(new DiscardingSink<>());
        out.rejected().sinkTo(new DiscardingSink<>());
        out.late().sinkTo(new DiscardingSink<>());
        out.lateFacts().sinkTo(new DiscardingSink<>());
    }
}
