package io.carekpi.tools.cli;

import io.carekpi.cli.CareKpiCli;
import picocli.CommandLine;

/**
 * Entry point of the runnable {@code carekpi.jar}: the engine's commands ({@code run},
 * {@code replay}) and the tools' ({@code demo}, {@code simulate}) on one command line.
 */
public final class CareKpiTools {
    private CareKpiTools() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return CareKpiCli.commandLine()
                .addSubcommand("demo", new DemoCommand())
                .addSubcommand("simulate", new SimulateCommand());
    }
}
