package io.carekpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.apache.flink.util.ChildFirstClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The command line as a Flink cluster runs it: loaded by Flink's user-code class loader (the cluster
 * jar submitted over REST, `flink run`, application mode) it must not exit the JVM, which is the
 * JobManager's (ClusterFailoverITCase runs it on a real cluster).
 */
class CareKpiCliTest {
    @Test
    void aProgramLoadedByFlinksUserCodeClassLoaderIsKnownAsSubmitted() throws Exception {
        try (ChildFirstClassLoader userCode = new ChildFirstClassLoader(new URL[0], getClass().getClassLoader(),
                new String[0], t -> { })) {
            assertThat(CareKpiCli.submittedToFlink(userCode)).isTrue();
        }
        assertThat(CareKpiCli.submittedToFlink(CareKpiCli.class.getClassLoader()))
                .as("run from the command line (java -jar)").isFalse();
    }
}
