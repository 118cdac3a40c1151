package io.carekpi.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's layers, enforced (docs/architecture.md draws them): KPI rules and configuration in
 * plain Java; the events at the edge and their formats; the Flink wiring; the edges (connectors,
 * jobs, replay, command line) on top. A class that imports a layer above its own fails here. The
 * tools (simulator, benchmarks, demo, broker) are another module, which the engine cannot see.
 */
class LayerRulesTest {
    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.carekpi");
    }

    @Test
    void kpiRulesConfigurationAndEventsUseNoFlink() {
        noClasses().that().resideInAnyPackage("io.carekpi.kpi..", "io.carekpi.config..", "io.carekpi.events..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..")
                .because("KPI logic is plain Java, readable and testable without Flink")
                .check(engine);
    }

    @Test
    void eventFormatsUseNoFlink() {
        noClasses().that().resideInAPackage("io.carekpi.io..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..")
                .because("formats turn bytes into events for every input; Flink's file formats are connectors")
                .check(engine);
    }

    @Test
    void layersOnlyLookDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Edges").definedBy("io.carekpi.connectors..", "io.carekpi.jobs..", "io.carekpi.replay..",
                        "io.carekpi.cli..")
                .layer("Flink wiring").definedBy("io.carekpi.flink..")
                .layer("Event formats").definedBy("io.carekpi.io..")
                .layer("KPI rules").definedBy("io.carekpi.kpi..", "io.carekpi.config..")
                .layer("Events").definedBy("io.carekpi.events..")
                .whereLayer("Edges").mayNotBeAccessedByAnyLayer()
                .whereLayer("Flink wiring").mayOnlyBeAccessedByLayers("Edges")
                .whereLayer("Event formats").mayOnlyBeAccessedByLayers("Flink wiring", "Edges")
                .whereLayer("KPI rules").mayOnlyBeAccessedByLayers("Event formats", "Flink wiring", "Edges")
                .check(engine);
    }

    @Test
    void theEngineUsesNoTool() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.carekpi.tools..")
                .because("the simulator, benchmarks, demo and broker are tools around the engine, not part of it")
                .check(engine);
    }
}
