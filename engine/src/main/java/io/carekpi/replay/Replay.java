package io.carekpi.replay;

import io.carekpi.config.EngineConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carekpi.flink.Accumulators;
import io.carekpi.flink.CareKpiTopology;
import io.carekpi.connectors.files.AvroEventFileFormat;
import io.carekpi.connectors.files.JsonLinesFormat;
import io.carekpi.events.Decoded;
import io.carekpi.events.Rejection;
import io.carekpi.io.AvroJson;
import io.carekpi.io.EventDecoder;
import io.carekpi.io.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/**
 * Replay mode: the live topology in BATCH execution over a file, results written as JSON Lines.
 * The job writes part files under {@code DIR/.parts}; once it has finished they are merged into
 * sorted files (snapshots reduced to their latest revision), so the same input gives byte-identical
 * output whatever the parallelism.
 */
public final class Replay {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Replay() {}

    public static ReplayResult run(Path input, Path outputDir, EngineConfig config) throws Exception {
        return run(StreamExecutionEnvironment.getExecutionEnvironment(), input, outputDir, config);
    }

    public static ReplayResult run(StreamExecutionEnvironment env, Path input, Path outputDir, EngineConfig config)
            throws Exception {
        return run(env, input, outputDir, config, null);
    }

    /**
     * @param asOf the end of the data (a backfill of history up to now), or null: deadlines, FCR
     *     verdicts and other timers due after it do not fire, so the output says what was known
     *     then; without it every timer fires at the end of the input
     */
    public static ReplayResult run(StreamExecutionEnvironment env, Path input, Path outputDir, EngineConfig config,
                                   Instant asOf) throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input file not found: " + input);
        }
        Files.createDirectories(outputDir);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        CareKpiTopology.Outputs outputs = CareKpiTopology.build(source(env, input, EventDecoder.replay(asOf)), config, CareKpiTopology.Mode.REPLAY,
                asOf == null ? Long.MAX_VALUE : asOf.toEpochMilli());

        Path parts = outputDir.resolve(".parts");
        FileTrees.deleteRecursively(parts);
        toFiles(outputs.kpis().map(new ToJson<>()).name("kpis as JSON").uid("replay-kpis-json"), parts, "kpis");
        toFiles(outputs.conversations().map(new ToJson<>()).name("summaries as JSON").uid("replay-summaries-json"),
                parts, "conversations");
        toFiles(outputs.sla().map(new ToJson<>()).name("SLA events as JSON").uid("replay-sla-json"), parts, "sla");
        toFiles(outputs.rejected().map(new RejectedToJson()).name("rejected as JSON").uid("replay-rejected-json"),
                parts, "rejected");
        toFiles(outputs.late().map(new RejectedToJson()).name("late as JSON").uid("replay-late-json"), parts, "late");
        toFiles(outputs.lateFacts().map(f -> MAPPER.writeValueAsString(f)).name("late facts as JSON")
                .uid("replay-late-facts-json"), parts, "late-facts");
        JobExecutionResult result = env.execute("carekpi-replay " + input.getFileName());

        List<String> order = config.windows.stream().map(w -> w.label).toList();
        long snapshots = OutputFiles.writeLatestSnapshots(parts.resolve("kpis"), order, outputDir.resolve("kpis.jsonl"));
        long conversations = OutputFiles.writeConversations(parts.resolve("conversations"),
                outputDir.resolve("conversations.jsonl"));
        long slaEvents = OutputFiles.writeSlaEvents(parts.resolve("sla"), outputDir.resolve("sla.jsonl"));
        OutputFiles.Rejections rejections = OutputFiles.writeRejections(parts.resolve("rejected"),
                outputDir.resolve("rejected.jsonl"));
        long late = OutputFiles.writeRejections(parts.resolve("late"), outputDir.resolve("late.jsonl")).lines();
        long lateFacts = OutputFiles.countLines(parts.resolve("late-facts"));
        FileTrees.deleteRecursively(parts);
        return new ReplayResult(counter(result, Accumulators.UNIQUE) - late, counter(result, Accumulators.DUPLICATES),
                counter(result, Accumulators.UNKNOWN_TYPES), late, rejections.records(), snapshots, conversations,
                slaEvents, lateFacts, rejections.unreadBlocks(), rejections.unreadBlockRecords(),
                rejections.unreadUncounted());
    }

    private static void toFiles(DataStream<String> lines, Path parts, String name) {
        FileSink<String> sink = FileSink
                .forRowFormat(new org.apache.flink.core.fs.Path(parts.resolve(name).toAbsolutePath().toUri()),
                        new SimpleStringEncoder<String>("UTF-8"))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .build();
        lines.sinkTo(sink).name(name + " files").uid("replay-sink-" + name);
    }

    /** The file's records, decoded by the format its name says: {@code *.avro} a container file, else JSON Lines. */
    private static DataStream<Decoded> source(StreamExecutionEnvironment env, Path input, EventDecoder decoder) {
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri());
        boolean avro = input.getFileName().toString().endsWith(".avro");
        FileSource<Decoded> files = avro
                ? FileSource.forRecordStreamFormat(new AvroEventFileFormat(decoder), file).build()
                : FileSource.forRecordStreamFormat(new JsonLinesFormat(decoder), file).build();
        // Record timestamps are input positions: BATCH execution sorts a keyed input by key and then
        // timestamp, so each conversation's records reach the dedup stage in the file's order and the
        // first copy of an event id wins on every run. (Event time is occurredAt, read by the stages
        // themselves; replay uses no watermarks.)
        WatermarkStrategy<Decoded> inputOrder = WatermarkStrategy.<Decoded>noWatermarks()
                .withTimestampAssigner((d, ignored) -> d.seq());
        return env.fromSource(files, inputOrder, avro ? "avro file" : "events file")
                .uid(avro ? "source-avro-file" : "source-file");
    }

    private static long counter(JobExecutionResult result, String name) {
        Object v = result.getAccumulatorResult(name);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** An output record as its JSON line (a named class: Flink serializes functions). */
    private static final class ToJson<T extends SpecificRecordBase> implements MapFunction<T, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(T record) {
            return AvroJson.encode(record);
        }
    }

    /**
     * A rejected or late input as {@code {"line", "reason", "input"}}; unreadable blocks of an Avro
     * file add {@code "unreadBlocks"} and {@code "records"} (the records they declared, null when
     * that cannot be read).
     */
    private static final class RejectedToJson implements MapFunction<Rejection, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(Rejection r) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("line", r.seq());
            o.put("reason", r.reason());
            o.put("input", r.input());
            if (r.unread() != null) {
                o.put("unreadBlocks", r.unread().blocks());
                if (r.unread().records() == Rejection.UnreadBlocks.UNKNOWN) {
                    o.putNull("records");
                } else {
                    o.put("records", r.unread().records());
                }
            }
            return o.toString();
        }
    }
}
