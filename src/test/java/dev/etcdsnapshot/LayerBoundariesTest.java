package dev.etcdsnapshot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's layers: the engine and storage know nothing of Kubernetes, and no two packages depend on each other,
 * directly or around a loop (issue 12), so each can be read, tested and changed from the bottom up.
 */
class LayerBoundariesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.etcdsnapshot");
  }

  @Test
  void engineAndStorageImportNoKubernetesLibrary() {
    noClasses().that().resideInAnyPackage("dev.etcdsnapshot.engine..", "dev.etcdsnapshot.storage..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..")
        .check(classes);
  }

  @Test
  void storageDoesNotDependOnTheEngine() {
    noClasses().that().resideInAPackage("dev.etcdsnapshot.storage..")
        .should().dependOnClassesThat().resideInAPackage("dev.etcdsnapshot.engine..")
        .check(classes);
  }

  /**
   * The engine writes through storage's interfaces (issue 12): part files, the node lock and every store come from
   * {@code storage}; the CLI and the operator wire the concrete local and S3 stores.
   */
  @Test
  void theEngineKnowsOnlyStorageInterfaces() {
    noClasses().that().resideInAnyPackage("dev.etcdsnapshot.engine", "dev.etcdsnapshot.engine.file")
        .should().dependOnClassesThat().resideInAnyPackage("dev.etcdsnapshot.storage.local..",
            "dev.etcdsnapshot.storage.s3..")
        .check(classes);
  }

  @Test
  void noPackageDependsOnItselfAroundALoop() {
    slices().matching("dev.etcdsnapshot.(**)").namingSlices("$1")
        .should().beFreeOfCycles()
        .check(classes);
  }
}
