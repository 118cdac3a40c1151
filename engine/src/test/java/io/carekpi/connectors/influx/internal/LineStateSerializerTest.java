package io.carekpi.connectors.influx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class LineStateSerializerTest {
    private final LineStateSerializer serializer = new LineStateSerializer();

    @Test
    void shouldRestoreBufferedLinesWithTheirSizesInOrder() throws IOException {
        List<String> lines = List.of(
                "care_kpi,channel=SMS,window=1m revision=1i,opened=3i 1709288100000000000",
                "care_sla,channel=WHATSAPP,status=BREACHED conversation_id=\"Zoë \\\"VIP\\\" 🎧\" 1709288160000820828",
                "care_queue,channel=VOICE,queue=all waiting=0i,oldest_wait_ms=0i 1");

        BufferedRequestState<String> restored = roundTrip(state(lines));

        assertThat(restored.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactlyElementsOf(lines);
        assertThat(restored.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getSize)
                .containsExactlyElementsOf(lines.stream().map(l -> InfluxSinkWriter.sizeOf(l)).toList());
    }

    @Test
    void shouldRestoreLinesLongerThanWriteUtfAllows() throws IOException {
        String longLine = "care_kpi note=\"" + "x".repeat(70_000) + "\" 1";

        BufferedRequestState<String> restored = roundTrip(state(List.of(longLine)));

        assertThat(restored.getBufferedRequestEntries().get(0).getRequestEntry()).isEqualTo(longLine);
    }

    @Test
    void shouldRestoreAnEmptyBuffer() throws IOException {
        assertThat(roundTrip(BufferedRequestState.<String>emptyState()).getBufferedRequestEntries()).isEmpty();
    }

    @Test
    void shouldKeepReadingTheVersionOneFormatOfCheckpointsAlreadyTaken() throws IOException {
        // sizes as the writer counted them until 2026-11-30 (UTF-8 bytes + newline); they are kept as stored
        byte[] versionOne = serializer.serialize(new BufferedRequestState<>(List.of(
                new RequestEntryWrapper<>("m v=1i 1", 9L), new RequestEntryWrapper<>("é", 3L))));
        String golden = HexFormat.of().formatHex(versionOne);

        // Frozen copy of the bytes above: if this assertion breaks, the format changed and old
        // savepoints no longer restore. Add a version instead.
        assertThat(golden).isEqualTo(GOLDEN_V1);
        BufferedRequestState<String> restored = serializer.deserialize(1, HexFormat.of().parseHex(GOLDEN_V1));
        assertThat(restored.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly("m v=1i 1", "é");
    }

    @Test
    void shouldRefuseStateOfAnUnknownVersion() throws IOException {
        byte[] bytes = serializer.serialize(state(List.of("m v=1i 1")));

        assertThatThrownBy(() -> serializer.deserialize(2, bytes)).isInstanceOf(IOException.class)
                .hasMessageContaining("version 2");
    }

    /**
     * Version 1 of two lines: Flink's marker and entry count, then per line its size (long, as the
     * writer counted it) and this serializer's int length and UTF-8 bytes.
     */
    private static final String GOLDEN_V1 = "ffffffffffffffff" + "00000002"
            + "0000000000000009" + "00000008" + "6d20763d31692031" // "m v=1i 1"
            + "0000000000000003" + "00000002" + "c3a9"; // "é"

    private BufferedRequestState<String> roundTrip(BufferedRequestState<String> state) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
    }

    private static BufferedRequestState<String> state(List<String> lines) {
        return new BufferedRequestState<>(lines.stream()
                .map(l -> new RequestEntryWrapper<>(l, InfluxSinkWriter.sizeOf(l)))
                .toList());
    }
}
