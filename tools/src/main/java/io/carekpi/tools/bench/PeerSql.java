package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.connectors.files.AvroEventFileFormat;
import io.carekpi.connectors.files.JsonLinesFormat;
import io.carekpi.events.Decoded;
import io.carekpi.events.RawInput;
import io.carekpi.io.EventAvro;
import io.carekpi.io.EventDecoder;
import io.carekpi.jobs.RuntimeSettings;
import io.carekpi.replay.Replay;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * The peer: a representative subset of CareKPI's KPIs written in Flink SQL, as a user who does
 * not pick CareKPI writes them ({@code peer-kpis.sql} next to this class): dedup by event id, each
 * conversation's opening, first response and resolutions, then hourly and daily counts per
 * channel and for all channels (opened; first responses, FRT sum and max; resolutions and their
 * time sum). Input is decoded by the engine's own decoder (rejections dropped), so both read the
 * same events; the SQL starts from a table with an event-time attribute and a watermark.
 * {@code PeerSqlTest} checks its figures against CareKPI's replay; the benchmark part {@code peer}
 * times it against the engine.
 */
public final class PeerSql {
    /** The columns the SQL reads. */
    static final RowTypeInfo EVENT = new RowTypeInfo(
            new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG},
            new String[] {"eventId", "conversationId", "channel", "type", "occurredAtMs"});

    /** The state TTL a user sets: as long as CareKPI remembers a conversation ({@code conversationRetention}). */
    static final Duration STATE_TTL = Duration.ofDays(30);

    private static final EventDecoder LIVE = EventDecoder.live();

    private PeerSql() {}

    /** The statements of {@code peer-kpis.sql}, in order; the last one is the query. */
    static List<String> statements() {
        String text;
        try (InputStream in = PeerSql.class.getResourceAsStream("peer-kpis.sql")) {
            if (in == null) {
                throw new IllegalStateException("peer-kpis.sql missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String s = current.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    /** The table environment as a user sets it up: UTC days, state TTL, the given mode. */
    static StreamTableEnvironment tableEnvironment(StreamExecutionEnvironment env, RuntimeExecutionMode mode) {
        env.setRuntimeMode(mode);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env, mode == RuntimeExecutionMode.BATCH
                ? EnvironmentSettings.inBatchMode() : EnvironmentSettings.inStreamingMode());
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tEnv.getConfig().set(ExecutionConfigOptions.IDLE_STATE_RETENTION, STATE_TTL);
        return tEnv;
    }

    /**
     * The peer's result table over decoded input: registers {@code events} (event time
     * {@code occurredAt}, watermark {@code outOfOrderness} behind the largest seen) and runs the
     * SQL. Rows: window_size ('1h', '1d'), window_start, channel (a channel or 'all'), opened,
     * first_responses, frt_sum_ms, frt_max_ms, resolved, resolution_sum_ms.
     */
    static Table build(StreamTableEnvironment tEnv, DataStream<Decoded> input, Duration outOfOrderness) {
        DataStream<Row> rows = input.flatMap(new ToRow()).returns(EVENT).name("events as rows");
        Table events = tEnv.fromDataStream(rows, Schema.newBuilder()
                .columnByExpression("ts", "TO_TIMESTAMP_LTZ(occurredAtMs, 3)")
                .columnByExpression("pt", "PROCTIME()")
                .watermark("ts", String.format(Locale.ROOT, "ts - INTERVAL '%d %02d:%02d:%02d.%03d' DAY TO SECOND(3)",
                        outOfOrderness.toDaysPart(), outOfOrderness.toHoursPart(), outOfOrderness.toMinutesPart(),
                        outOfOrderness.toSecondsPart(), outOfOrderness.toMillisPart()))
                .build());
        tEnv.createTemporaryView("events", events);
        List<String> statements = statements();
        for (String s : statements.subList(0, statements.size() - 1)) {
            tEnv.executeSql(s);
        }
        return tEnv.sqlQuery(statements.get(statements.size() - 1));
    }

    /** The first {@code n} events of {@link Corpus#records}, decoded as the engine's live source does. */
    static DataStream<Decoded> corpus(StreamExecutionEnvironment env, long n) {
        return env.fromSource(
                new DataGeneratorSource<>(i -> LIVE.decode(RawInput.avro(Corpus.records[(int) (long) i], i)), n,
                        TypeInformation.of(Decoded.class)),
                WatermarkStrategy.noWatermarks(), "corpus");
    }

    /** A JSON Lines or Avro file, decoded as the replay reads it. */
    static DataStream<Decoded> file(StreamExecutionEnvironment env, Path input) {
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri());
        EventDecoder decoder = EventDecoder.replay(null);
        FileSource<Decoded> files = input.getFileName().toString().endsWith(".avro")
                ? FileSource.forRecordStreamFormat(new AvroEventFileFormat(decoder), file).build()
                : FileSource.forRecordStreamFormat(new JsonLinesFormat(decoder), file).build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), "events file");
    }

    /** A local environment with the state backend set as the engine's benchmark sets it. */
    static StreamExecutionEnvironment environment(int parallelism, String stateBackend) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        if ("rocksdb".equals(stateBackend)) {
            RuntimeSettings.shippedRocksDb(conf, new Configuration()); // the same RocksDB as the engine's runs
        }
        ExperimentSettings.apply(conf);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /** STREAMING over the first {@code n} corpus events, every row to a discarding sink; wall time, start-up included. */
    public static long streamingMillis(Duration outOfOrderness, int parallelism, String stateBackend, long n)
            throws Exception {
        StreamExecutionEnvironment env = environment(parallelism, stateBackend);
        StreamTableEnvironment tEnv = tableEnvironment(env, RuntimeExecutionMode.STREAMING);
        long t0 = System.nanoTime(); // planning is part of the job's start, as the engine's graph building is
        Table result = build(tEnv, corpus(env, n), outOfOrderness);
        tEnv.toDataStream(result).sinkTo(new DiscardingSink<>()).name("discard");
        env.execute("peer sql p" + parallelism + " " + stateBackend);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * BATCH over a file at the given parallelism, its rows written to {@code output} (one line each,
     * sorted); wall time, start-up and the write included.
     */
    public static long batchMillis(Path input, int parallelism, Path output) throws Exception {
        long t0 = System.nanoTime();
        List<Row> rows = rows(environment(parallelism, "hashmap"), RuntimeExecutionMode.BATCH, input, Duration.ZERO);
        Files.write(output, rows.stream().map(Row::toString).sorted().toList());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * CareKPI's side of the BATCH comparison: {@code Replay} (what {@code carekpi replay} runs) over
     * the same file at the same parallelism, all its output files written under {@code output}; wall
     * time, start-up and the merge of its files included.
     */
    public static long replayMillis(Path input, int parallelism, Path output, EngineConfig config) throws Exception {
        long t0 = System.nanoTime();
        Replay.run(environment(parallelism, "hashmap"), input, output, config);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The corpus as an Avro container file (what {@code carekpi replay} reads), for both BATCH runs. */
    public static void writeCorpus(byte[][] records, Path file) throws Exception {
        try (DataFileWriter<InteractionEvent> w = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            w.create(InteractionEvent.getClassSchema(), file.toFile());
            for (byte[] r : records) {
                w.append(EventAvro.decode(r));
            }
        }
    }

    /** Every result row of a run over {@code input} in the given mode. */
    static List<Row> rows(StreamExecutionEnvironment env, RuntimeExecutionMode mode, Path input,
                          Duration outOfOrderness) throws Exception {
        StreamTableEnvironment tEnv = tableEnvironment(env, mode);
        Table result = build(tEnv, file(env, input), outOfOrderness);
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.toDataStream(result).executeAndCollect("peer sql " + mode)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** An input event as the SQL's row; rejections are dropped (they are in no KPI). */
    static final class ToRow implements FlatMapFunction<Decoded, Row> {
        @Override
        public void flatMap(Decoded d, Collector<Row> out) {
            if (d.isRejected()) {
                return;
            }
            InteractionEvent e = d.event().event();
            String channel = e.getChannel() == null || "UNKNOWN".equals(e.getChannel().name()) ? null
                    : e.getChannel().name();
            out.collect(Row.of(e.getEventId(), e.getConversationId(), channel,
                    e.getType() == null ? "UNKNOWN" : e.getType().name(), e.getOccurredAt().toEpochMilli()));
        }
    }
}
