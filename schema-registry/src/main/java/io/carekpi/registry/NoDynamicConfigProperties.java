package io.carekpi.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * The list of settings that Apicurio lets an administrator change at run time, which its
 * config-index extension would build: empty, since that extension cannot be built here (its
 * deployment artifact is not served) and the tests change no setting at run time.
 */
public class NoDynamicConfigProperties {
    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(List.of());
    }
}
