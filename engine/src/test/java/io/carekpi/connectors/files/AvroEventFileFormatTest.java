package io.carekpi.connectors.files;

import static io.carekpi.testing.ConversationScript.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import io.carekpi.events.Decoded;
import io.carekpi.io.EventDecoder;
import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.testing.AvroBlockFiles;
import io.carekpi.testing.ConversationScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Avro container file's blocks: a bad or cut block is reported with its byte range, and reading goes on. */
class AvroEventFileFormatTest {
    private static final int PER_BLOCK = 10;
    private static final int BLOCKS = 5;

    @TempDir Path dir;

    /** 50 events in 5 blocks of 10 (a sync marker after every 10). */
    private Path file() throws Exception {
        return AvroBlockFiles.write(dir.resolve("events.avro"), PER_BLOCK, BLOCKS);
    }

    private static List<Decoded> read(Path f) throws Exception {
        List<Decoded> out = new ArrayList<>();
        long length = Files.size(f);
        try (StreamFormat.Reader<Decoded> r = new AvroEventFileFormat(EventDecoder.replay(null))
                .createReader(new Configuration(), new LocalDataInputStream(f.toFile()), length, length)) {
            for (Decoded d = r.read(); d != null; d = r.read()) {
                out.add(d);
            }
        }
        return out;
    }

    @Test
    void aWholeFileIsReadRecordByRecord() throws Exception {
        List<Decoded> out = read(file());
        assertThat(out).hasSize(PER_BLOCK * BLOCKS).noneMatch(Decoded::isRejected);
        assertThat(out.get(out.size() - 1).seq()).isEqualTo(PER_BLOCK * BLOCKS);
    }

    @Test
    void aCorruptedBlockIsReportedWithItsByteRangeAndTheNextBlocksAreRead() throws Exception {
        Path f = file();
        byte[] bytes = Files.readAllBytes(f);
        byte[] sync = Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length); // every block ends with it
        int headerEnd = indexOf(bytes, sync) + 16;
        int middle = headerEnd + (bytes.length - headerEnd) / 2;
        for (int i = middle; i < middle + 40; i++) {
            bytes[i] = (byte) 0xff; // a run of garbage inside the third block
        }
        Files.write(f, bytes);
        List<Decoded> out = read(f);
        List<Decoded> rejected = out.stream().filter(Decoded::isRejected).toList();
        assertThat(rejected).singleElement().satisfies(d -> assertThat(d.rejection().reason())
                .contains("block at bytes").contains("records"));
        assertThat(out.stream().filter(d -> !d.isRejected()).count()).as("the other blocks")
                .isGreaterThanOrEqualTo(PER_BLOCK * (BLOCKS - 1) - PER_BLOCK);
    }

    @Test
    void aTruncatedFileReportsItsCutTailInsteadOfDroppingItSilently() throws Exception {
        Path f = file();
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 30));
        List<Decoded> out = read(f);
        assertThat(out.stream().filter(d -> !d.isRejected()).count()).isEqualTo(PER_BLOCK * (BLOCKS - 1));
        assertThat(out.get(out.size() - 1).rejection().reason()).contains("ends inside a block");
    }

    @Test
    void aRecordOverTheDecodersAllocationLimitCostsItsBlockNotTheRun() throws Exception {
        Path f = dir.resolve("huge.avro");
        ConversationScript c = conversation("c1", Channel.SMS).customer("u1").at(0).opened().at(1).customerMessage();
        InteractionEvent huge = c.at(2).customerMessage().last();
        huge.setAgentId("x".repeat(2_000_000));
        List<InteractionEvent> events = c.at(3).customerMessage().events();
        try (DataFileWriter<InteractionEvent> w = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            w.create(InteractionEvent.getClassSchema(), f.toFile());
            for (InteractionEvent e : events) {
                w.append(e);
                w.sync(); // one record per block
            }
        }
        List<Decoded> out = read(f);
        assertThat(out).filteredOn(Decoded::isRejected).singleElement()
                .satisfies(d -> assertThat(d.rejection().reason()).contains("block at bytes"));
        assertThat(out).filteredOn(d -> !d.isRejected()).hasSize(3);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
