package io.carekpi.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays an event file through the engine in bounded mode and writes the results as JSON Lines.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "JSON Lines or Avro container file of InteractionEvents.")
    Path input;

    @Option(names = "--output", required = true, description = "Directory for kpis.jsonl, conversations.jsonl, rejected.jsonl, late.jsonl.")
    Path output;

    @Option(names = "--config", description = "YAML job configuration (defaults documented in docs/configuration.md).")
    Path config;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("replay is not built yet");
    }
}
