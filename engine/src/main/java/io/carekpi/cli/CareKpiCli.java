package io.carekpi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the engine's cluster jar: {@code run} (the live job) and {@code replay}. The runnable
 * {@code carekpi.jar} adds the tools' commands ({@code demo}, {@code simulate}) to the same command line.
 */
@Command(
        name = "carekpi",
        mixinStandardHelpOptions = true,
        version = "carekpi 0.1.0",
        description = "Real-time customer-care KPIs on Apache Flink.",
        subcommands = {RunCommand.class, ReplayCommand.class})
public final class CareKpiCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args);
        if (submittedToFlink(CareKpiCli.class.getClassLoader())) {
            // Run by a Flink cluster (REST /jars/:id/run, `flink run`, application mode): the JVM is
            // the JobManager's or the client's, and exiting it would take them down. A failure is
            // thrown for Flink to report; picocli has already logged its cause.
            if (code != 0) {
                throw new IllegalStateException("carekpi " + String.join(" ", args) + " failed with exit code "
                        + code + "; its error is in this process's standard error");
            }
            return;
        }
        System.exit(code);
    }

    /**
     * Whether the command line was loaded by Flink as a user program (the cluster jar submitted to a
     * cluster): its classes then come from Flink's user-code class loader.
     */
    static boolean submittedToFlink(ClassLoader loader) {
        return loader instanceof org.apache.flink.util.FlinkUserCodeClassLoader;
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The engine's commands ({@code run}, {@code replay}); the tools add theirs to it. */
    public static CommandLine commandLine() {
        return new CommandLine(new CareKpiCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
