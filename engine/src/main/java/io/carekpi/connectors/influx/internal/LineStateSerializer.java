package io.carekpi.connectors.influx.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

/**
 * Serializes into checkpoints the lines InfluxDB has not confirmed (see {@link InfluxSinkWriter}):
 * up to {@code maxInFlightRequests} batches submitted to the sender and the buffer behind them; a
 * few hundred KB while InfluxDB keeps up, tens of MB at most while it is slow or down.
 *
 * <p>Format, version 1 (inside the base class's framing of entry count and entry sizes): per line,
 * an int byte length followed by the UTF-8 bytes. Unlike {@code writeUTF} it has no 64 KiB limit
 * and encodes supplementary characters as standard UTF-8. Change the format only with a new
 * version that still reads version 1, or savepoints taken with buffered lines stop restoring.
 */
public final class LineStateSerializer extends AsyncSinkWriterStateSerializer<String> {
    public static final int VERSION = 1;

    @Override
    protected void serializeRequestToStream(String line, DataOutputStream out) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    protected String deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("Corrupt InfluxDB sink state: negative line length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public BufferedRequestState<String> deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("InfluxDB sink state has version " + version + ", this sink reads version " + VERSION);
        }
        return super.deserialize(version, serialized);
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
