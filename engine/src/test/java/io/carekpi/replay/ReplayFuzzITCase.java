package io.carekpi.replay;

import static io.carekpi.testing.FuzzMutations.NEUTRAL;
import static io.carekpi.testing.FuzzMutations.OVERSIZE;
import static io.carekpi.testing.FuzzMutations.REJECTING;
import static io.carekpi.testing.FuzzMutations.UNKNOWN_TYPE;
import static io.carekpi.testing.FuzzMutations.interleavedLines;
import static io.carekpi.testing.FuzzMutations.isUtf8;
import static io.carekpi.testing.FuzzMutations.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carekpi.cli.CareKpiCli;
import io.carekpi.config.EngineConfig;
import io.carekpi.testing.FuzzMutations.Expect;
import io.carekpi.testing.FuzzMutations.Mutation;
import io.carekpi.testing.MiniClusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz suite over the replay entry point on JSON Lines files (issue 14). Each try builds a
 * base file of valid conversations, then mutates most of its lines with mutations of known effect.
 * The oracle never calls the decoder: every mutation kind carries its expected class (accepted,
 * rejected, unknown type, duplicate, or a blank line that is no record), so the test knows each
 * physical line's class and number before the replay runs. Properties, per try:
 *
 * <ul>
 *   <li>accounting: {@code records()} is the number of non-blank lines and each class count is the
 *       oracle's; {@code rejected.jsonl} holds exactly the rejected line numbers, each once;
 *   <li>isolation: {@code kpis.jsonl}, {@code sla.jsonl} and {@code conversations.jsonl} of the
 *       mutated file are byte-identical to those of the base file with the rejected and unknown-type
 *       lines removed (duplicates, blank lines and neutral rewrites add nothing);
 *   <li>neutral: a file with every line rewritten neutrally, replayed with the {@code replay}
 *       command, gives byte-identical outputs and no rejection.
 * </ul>
 *
 * The seed of a failing try is in the failure message; rerun one with {@code -Dcarekpi.fuzz.seed=N
 * -Dcarekpi.fuzz.tries=1}. {@code -Dcarekpi.fuzz.tries=200} runs longer.
 */
class ReplayFuzzITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final int TRIES = Integer.getInteger("carekpi.fuzz.tries", 12);
    private static final long SEED = Long.getLong("carekpi.fuzz.seed", 20260301L);
    private static final int CONVERSATIONS = 60;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> OUTPUTS = List.of("kpis.jsonl", "sla.jsonl", "conversations.jsonl");

    @TempDir Path dir;

    /** One physical line of a mutated file: its bytes (no {@code \n}), expected class, and origin. */
    record Line(byte[] bytes, Expect expect, int base, String mutation) {}

    @Test
    void everyMutatedRecordIsClassifiedAsItsMutationSaysAndChangesNothingElse() throws Exception {
        int mutated = 0;
        for (int t = 0; t < TRIES; t++) {
            long seed = SEED + t;
            mutated += runTry(seed, dir.resolve("try-" + t));
        }
        System.out.println("ReplayFuzzITCase: " + TRIES + " tries, " + mutated + " mutated records");
    }

    @Test
    void neutralRewritesOfEveryLineGiveByteIdenticalOutputs() throws Exception {
        Random r = new Random(SEED - 1);
        List<String> base = interleavedLines(r, CONVERSATIONS);
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            Mutation m = NEUTRAL.get(r.nextInt(NEUTRAL.size()));
            lines.add(new Line(m.apply().apply(base.get(i), r), Expect.ACCEPTED, i, m.name()));
        }
        Path work = dir.resolve("neutral");
        Files.createDirectories(work);
        Path in = write(work.resolve("neutral.jsonl"), lines, true);
        Path baseIn = write(work.resolve("base.jsonl"), unchanged(base), false);
        // the rewritten file through the command line, the base file through Replay.run
        assertThat(CareKpiCli.run("replay", "--input", in.toString(), "--output", work.resolve("out").toString()))
                .isZero();
        ReplayResult want = replay(baseIn, work.resolve("base-out"));
        String seedNote = "seed " + (SEED - 1);
        assertThat(want.records()).isEqualTo(want.accepted()).isEqualTo(base.size());
        assertThat(Files.readAllLines(work.resolve("out").resolve("rejected.jsonl"))).as(seedNote).isEmpty();
        for (String f : OUTPUTS) {
            assertThat(Files.readString(work.resolve("out").resolve(f))).as(seedNote + ": " + f)
                    .isEqualTo(Files.readString(work.resolve("base-out").resolve(f)));
        }
    }

    /** One try: a mutated file and its reference replayed, the properties checked; the mutated count. */
    private int runTry(long seed, Path work) throws Exception {
        Random r = new Random(seed);
        List<String> base = interleavedLines(r, CONVERSATIONS);
        List<Line> lines = new ArrayList<>();
        boolean oversizeUsed = false;
        for (int i = 0; i < base.size(); i++) {
            String l = base.get(i);
            if (r.nextInt(8) == 0) {
                String[] blanks = {"", "   ", "\t", " \t \r"};
                lines.add(new Line(utf8(blanks[r.nextInt(blanks.length)]), Expect.BLANK, -1, "blank line"));
            }
            int dice = r.nextInt(100);
            Mutation m;
            if (dice < 25) {
                m = null;
            } else if (dice < 55) {
                m = NEUTRAL.get(r.nextInt(NEUTRAL.size()));
            } else if (dice < 60) {
                m = UNKNOWN_TYPE;
            } else if (!oversizeUsed && dice == 60) {
                m = OVERSIZE;
                oversizeUsed = true;
            } else {
                m = REJECTING.get(r.nextInt(REJECTING.size()));
            }
            lines.add(m == null ? new Line(utf8(l), Expect.ACCEPTED, i, "none")
                    : new Line(m.apply().apply(l, r), m.expect(), i, m.name()));
        }
        // repeats of accepted records later in the file, verbatim or rewritten neutrally
        int copies = base.size() / 8;
        for (int k = 0; k < copies; k++) {
            int from = r.nextInt(lines.size());
            Line original = lines.get(from);
            if (original.expect() != Expect.ACCEPTED) {
                continue;
            }
            String text = base.get(original.base());
            byte[] copy = r.nextBoolean() ? utf8(text) : NEUTRAL.get(r.nextInt(NEUTRAL.size())).apply().apply(text, r);
            int at = from + 1 + r.nextInt(lines.size() - from);
            lines.add(at, new Line(copy, Expect.DUPLICATE, original.base(), "repeated"));
        }
        boolean bom = r.nextInt(3) == 0;

        Files.createDirectories(work);
        Path in = write(work.resolve("mutated.jsonl"), lines, bom);
        boolean[] removed = new boolean[base.size()];
        long[] want = new long[Expect.values().length];
        List<Long> rejectedLines = new ArrayList<>();
        Map<Long, String> mutationOfLine = new TreeMap<>();
        int mutated = 0;
        for (int n = 0; n < lines.size(); n++) {
            Line line = lines.get(n);
            want[line.expect().ordinal()]++;
            mutationOfLine.put(n + 1L, line.mutation());
            if (!line.mutation().equals("none") && line.expect() != Expect.BLANK) {
                mutated++;
            }
            if (line.expect() == Expect.REJECTED) {
                rejectedLines.add(n + 1L);
            }
            if (line.expect() == Expect.REJECTED || line.expect() == Expect.UNKNOWN_TYPE) {
                removed[line.base()] = true;
            }
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (!removed[i]) {
                kept.add(base.get(i));
            }
        }
        Path ref = write(work.resolve("reference.jsonl"), unchanged(kept), false);

        ReplayResult got = replay(in, work.resolve("out"));
        ReplayResult reference = replay(ref, work.resolve("reference-out"));
        String note = "seed " + seed + " (rerun: -Dcarekpi.fuzz.seed=" + seed + " -Dcarekpi.fuzz.tries=1), files in " + work;

        // accounting
        assertThat(got.records()).as(note + ": records = non-blank lines")
                .isEqualTo(lines.size() - want[Expect.BLANK.ordinal()]);
        List<Long> gotRejected = new ArrayList<>();
        for (String json : Files.readAllLines(work.resolve("out").resolve("rejected.jsonl"))) {
            JsonNode rejection = MAPPER.readTree(json);
            long n = rejection.get("line").asLong();
            gotRejected.add(n);
            Line line = n >= 1 && n <= lines.size() ? lines.get((int) n - 1) : null;
            if (line != null && line.bytes().length < 4096 && isUtf8(line.bytes())) {
                assertThat(rejection.get("input").asText()).as(note + ": line " + n + " kept as it came")
                        .isEqualTo(new String(line.bytes(), StandardCharsets.UTF_8));
                assertThat(rejection.get("reason").asText()).as(note + ": line " + n + " has a reason").isNotBlank();
            }
        }
        List<String> explained = new ArrayList<>();
        for (Long n : symmetricDifference(gotRejected, rejectedLines)) {
            explained.add("line " + n + " (" + mutationOfLine.get(n) + ")");
        }
        assertThat(explained).as(note + ": rejected lines differing from the oracle's").isEmpty();
        assertThat(gotRejected).as(note + ": each rejected line once, in order").isEqualTo(rejectedLines);
        assertThat(got.rejected()).as(note + ": rejected").isEqualTo(rejectedLines.size());
        assertThat(got.accepted()).as(note + ": accepted").isEqualTo(want[Expect.ACCEPTED.ordinal()]);
        assertThat(got.duplicates()).as(note + ": duplicates").isEqualTo(want[Expect.DUPLICATE.ordinal()]);
        assertThat(got.unknownTypes()).as(note + ": unknown types").isEqualTo(want[Expect.UNKNOWN_TYPE.ordinal()]);
        assertThat(got.late()).as(note + ": late").isZero();

        // isolation: the mutated file's effect is the reference's
        assertThat(got.accepted()).as(note).isEqualTo(reference.accepted());
        assertThat(reference.records()).as(note).isEqualTo(reference.accepted());
        for (String f : OUTPUTS) {
            assertThat(Files.readString(work.resolve("out").resolve(f))).as(note + ": " + f)
                    .isEqualTo(Files.readString(work.resolve("reference-out").resolve(f)));
        }
        return mutated;
    }

    private static List<Long> symmetricDifference(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>();
        a.stream().filter(x -> !b.contains(x)).forEach(out::add);
        b.stream().filter(x -> !a.contains(x)).forEach(out::add);
        return out;
    }

    private static List<Line> unchanged(List<String> base) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            lines.add(new Line(utf8(base.get(i)), Expect.ACCEPTED, i, "none"));
        }
        return lines;
    }

    private static Path write(Path file, List<Line> lines, boolean bom) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (bom) {
            out.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        }
        for (Line l : lines) {
            out.write(l.bytes());
            out.write('\n');
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    private static ReplayResult replay(Path in, Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return Replay.run(env, in, out, EngineConfig.defaults());
    }
}
