package io.carekpi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code carekpi.jar}: one subcommand per way of running the engine. */
@Command(
        name = "carekpi",
        mixinStandardHelpOptions = true,
        version = "carekpi 0.1.0",
        description = "Real-time customer-care KPIs on Apache Flink.",
        subcommands = {DemoCommand.class, RunCommand.class, SimulateCommand.class, ReplayCommand.class})
public final class CareKpiCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        return new CommandLine(new CareKpiCli()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
