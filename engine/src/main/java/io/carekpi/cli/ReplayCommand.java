package io.carekpi.cli;

import io.carekpi.config.EngineConfig;
import io.carekpi.replay.Replay;
import io.carekpi.replay.ReplayResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays an event file through the engine in bounded (batch) mode and writes",
                "kpis.jsonl, conversations.jsonl, sla.jsonl, rejected.jsonl and late.jsonl to the output directory."})
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true,
            description = "JSON Lines file of InteractionEvents, or an Avro container file (*.avro).")
    Path input;

    @Option(names = "--output", required = true, description = "Output directory (created if missing).")
    Path output;

    @Option(names = "--config", description = "YAML job configuration; defaults in docs/configuration.md.")
    Path config;

    @Option(names = "--as-of", paramLabel = "INSTANT",
            description = {"The end of the data, e.g. 2026-03-02T18:00:00Z (a backfill of history up to now):",
                    "SLA deadlines, FCR verdicts and other timers due after it do not fire, so the output says",
                    "what was known then. Default: every timer fires at the end of the input."})
    Instant asOf;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = config == null ? EngineConfig.defaults() : EngineConfig.load(config);
        cfg.notices.forEach(n -> System.err.println("config " + config + ": " + n));
        long started = System.nanoTime();
        ReplayResult result = Replay.run(StreamExecutionEnvironment.getExecutionEnvironment(), input, output, cfg, asOf);
        System.out.printf("replayed %s in %.1f s: %s%nwrote %s%n", input, (System.nanoTime() - started) / 1e9,
                result, output.toAbsolutePath());
        return 0;
    }
}
