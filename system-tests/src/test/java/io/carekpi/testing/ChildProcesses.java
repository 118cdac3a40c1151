package io.carekpi.testing;

import java.util.concurrent.TimeUnit;

/** Stopping the servers the tests start as child processes. */
final class ChildProcesses {
    private ChildProcesses() {}

    /** SIGTERM, then SIGKILL if it has not ended within 20 s; waits for it to end. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
