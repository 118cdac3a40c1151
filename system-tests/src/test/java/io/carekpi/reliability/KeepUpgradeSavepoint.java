package io.carekpi.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (its name matches no test pattern): run it with the build whose savepoint
 * is to be kept, {@code mvn test -Dtest=KeepUpgradeSavepoint}, then move
 * {@code target/upgrade-kept} to {@code src/test/resources/upgrade/vN}.
 */
class KeepUpgradeSavepoint {
    @Test
    void keep() throws Exception {
        Path out = Path.of("target/upgrade-kept");
        UpgradeSavepoint.keep(out);
        assertThat(out.resolve("savepoint/_metadata")).exists();
        assertThat(Files.readAllLines(out.resolve("kpi.b64"))).isNotEmpty();
    }
}
