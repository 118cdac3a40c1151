package io.carekpi.testing;

import static io.carekpi.testing.ConversationScript.conversation;

import io.carekpi.schema.Channel;
import io.carekpi.schema.InteractionEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** Avro container files of one conversation's events in blocks of known size, for tests that corrupt blocks. */
public final class AvroBlockFiles {
    private AvroBlockFiles() {}

    /** Writes {@code perBlock * blocks} events of one conversation, a sync marker after every {@code perBlock}. */
    public static Path write(Path f, int perBlock, int blocks) throws IOException {
        ConversationScript c = conversation("c1", Channel.SMS).customer("u1").at(0).opened();
        for (int i = 1; i < perBlock * blocks; i++) {
            c.at(i).customerMessage();
        }
        List<InteractionEvent> events = c.events();
        try (DataFileWriter<InteractionEvent> w = new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            w.create(InteractionEvent.getClassSchema(), f.toFile());
            for (int i = 0; i < events.size(); i++) {
                w.append(events.get(i));
                if (i % perBlock == perBlock - 1) {
                    w.sync();
                }
            }
        }
        return f;
    }
}
