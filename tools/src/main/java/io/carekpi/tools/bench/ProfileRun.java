package io.carekpi.tools.bench;

import io.carekpi.config.EngineConfig;
import io.carekpi.io.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One engine measurement of the throughput part on its own, for a profiler to attach to:
 * {@code java [-agentpath:.../libasyncProfiler.so=start,event=itimer,file=F,collapsed]
 * -cp target/carekpi.jar io.carekpi.tools.bench.ProfileRun BACKEND PARALLELISM EVENTS PER_DAY [RUNS]},
 * e.g. {@code rocksdb 2 300000 60000} (the throughput table's RocksDB row) or
 * {@code hashmap 1 1000000 600000} (the scaled corpus); {@code replay 2 5000000 60000} runs {@code Replay}
 * over the corpus as an Avro file, writing its files, as the peer part's BATCH comparison does.
 * {@code -Dcarekpi.bench.flink.KEY=VALUE} applies as in the benchmark (bench/README.md).
 */
public final class ProfileRun {
    private ProfileRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ProfileRun hashmap|rocksdb|replay PARALLELISM EVENTS CONVERSATIONS_PER_DAY [RUNS]");
            System.exit(2);
        }
        EngineConfig config = Benchmarks.corpusConfig();
        String backend = args[0];
        int parallelism = Integer.parseInt(args[1]);
        long events = Long.parseLong(args[2]);
        int perDay = Integer.parseInt(args[3]);
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        byte[][] corpus = Corpus.generate(events, perDay, 1);
        Corpus.records = corpus;
        long n = Math.min(events, corpus.length);
        if (backend.equals("replay")) {
            replay(config, parallelism, corpus, runs);
            return;
        }
        for (int r = 0; r < runs; r++) {
            long ms = EngineThroughput.runMillis(config, parallelism, backend, n);
            System.out.printf(Locale.ROOT, "%s, parallelism %d, %,d conversations a day: %,d events in %,d ms, %,.0f events/s%n",
                    backend, parallelism, perDay, n, ms, n * 1000.0 / ms);
        }
    }

    private static void replay(EngineConfig config, int parallelism, byte[][] corpus, int runs) throws Exception {
        Path tmp = Files.createTempDirectory("carekpi-profile-replay");
        try {
            Path file = tmp.resolve("corpus.avro");
            PeerSql.writeCorpus(corpus, file);
            for (int r = 0; r < runs; r++) {
                long ms = PeerSql.replayMillis(file, parallelism, tmp.resolve("replay"), config);
                System.out.printf(Locale.ROOT, "replay, parallelism %d: %,d events in %,d ms, %,.0f events/s%n",
                        parallelism, corpus.length, ms, corpus.length * 1000.0 / ms);
            }
        } finally {
            FileTrees.deleteRecursively(tmp);
        }
    }
}
