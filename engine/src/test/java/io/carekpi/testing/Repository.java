package io.carekpi.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository (shipped configuration, samples, schemas, dashboards) for tests, which
 * run in their module's folder: a path is resolved against the repository root, the nearest
 * folder up from the working directory that holds {@code schemas/}.
 */
public final class Repository {
    private static final Path ROOT = findRoot();

    private Repository() {}

    /** {@code relative} (e.g. {@code jobs/kpi-engine/config.yaml}) under the repository root. */
    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("schemas")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (a folder with schemas/ and pom.xml) above "
                + Path.of("").toAbsolutePath());
    }
}
