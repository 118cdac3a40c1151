package io.carekpi.connectors.kafka;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.rest.client.exception.NotFoundException;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.carekpi.io.InvalidEventException;
import io.carekpi.io.WriterSchemas;
import org.apache.avro.Schema;

/**
 * Writer schemas by content id from a schema registry, through Apicurio's schema resolver (which
 * caches them): an id the registry does not know makes the record a dead letter; a registry that
 * does not answer fails the job, which retries from its last checkpoint.
 */
public final class RegistryWriterSchemas implements WriterSchemas {
    private static final long serialVersionUID = 1L;

    private final SchemaRegistry registry;
    private transient DefaultSchemaResolver<Schema, Object> resolver;

    public RegistryWriterSchemas(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Schema byId(int id) throws InvalidEventException {
        if (resolver == null) {
            DefaultSchemaResolver<Schema, Object> r = new DefaultSchemaResolver<>();
            r.configure(registry.serdeConfig(), new AvroSchemaParser<>(new DefaultAvroDatumProvider<>()));
            resolver = r;
        }
        try {
            return resolver.resolveSchemaByArtifactReference(ArtifactReference.builder().contentId((long) id).build())
                    .getParsedSchema().getParsedSchema();
        } catch (RuntimeException e) {
            // the resolver's retries may wrap the client's answer
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NotFoundException) {
                    throw new InvalidEventException("schema id " + id + " is not in the schema registry "
                            + registry.url(), e);
                }
            }
            throw new RegistryUnavailableException("cannot read schema id " + id + " from the schema registry "
                    + registry.url() + ": " + e, e);
        }
    }
}
