package dev.etcdsnapshot.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** House rule 1: reconcilers reach etcd, S3 and files only through the engine and the storage layer. */
class OperatorBoundariesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.etcdsnapshot.operator", "dev.etcdsnapshot.config");
  }

  @Test
  void theOperatorUsesNoEtcdOrS3ClientDirectly() {
    noClasses().that().resideInAnyPackage("dev.etcdsnapshot.operator..", "dev.etcdsnapshot.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.etcd..", "software.amazon.awssdk..")
        .check(classes);
  }

  @Test
  void theOperatorLayerDoesNotTouchFilesItself() {
    // config (TokenFile) and the engine read files for it: the token file, the snapshot directory.
    noClasses().that().resideInAnyPackage("dev.etcdsnapshot.operator..")
        .should().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
        .check(classes);
  }
}
