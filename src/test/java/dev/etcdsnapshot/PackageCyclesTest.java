package dev.etcdsnapshot;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every package is a layer of its own: no two packages depend on each other, directly or around a loop, so each can
 * be read, tested and changed from the bottom up (issue 12). A loop found here names the classes that close it.
 */
class PackageCyclesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.etcdsnapshot");
  }

  @Test
  void noPackageDependsOnItselfAroundALoop() {
    slices().matching("dev.etcdsnapshot.(**)").namingSlices("$1")
        .should().beFreeOfCycles()
        .check(classes);
  }
}
