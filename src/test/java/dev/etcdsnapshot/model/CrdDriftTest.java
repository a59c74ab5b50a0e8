package dev.etcdsnapshot.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails when the committed {@code crds/} differ from what the model generates (house rule 6). With {@code
 * -Dcrds.update=true} it rewrites {@code crds/} instead.
 */
class CrdDriftTest {

  static final Path COMMITTED = Path.of("crds");
  static final String HOW_TO_UPDATE = "mvn -B -o test -Dtest=CrdDriftTest -Dcrds.update=true";

  @Test
  void committedCrdsMatchTheModel(@TempDir Path tmp) throws IOException {
    List<Path> generated = CrdGeneration.generate(tmp);
    assertThat(generated).hasSize(CrdGeneration.KINDS.size());
    if (Boolean.getBoolean("crds.update")) {
      update(generated);
      return;
    }
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      if (!Files.exists(committed)) {
        fail(committed + " is missing; regenerate with: " + HOW_TO_UPDATE);
      }
      if (!Files.readString(committed).equals(Files.readString(file))) {
        fail(committed + " differs from the model; regenerate with: " + HOW_TO_UPDATE);
      }
    }
    assertThat(names(COMMITTED))
        .as("files in crds/ that the model does not generate (remove them or regenerate with: %s)", HOW_TO_UPDATE)
        .containsExactlyInAnyOrderElementsOf(names(tmp));
  }

  private static void update(List<Path> generated) throws IOException {
    Files.createDirectories(COMMITTED);
    try (Stream<Path> old = Files.list(COMMITTED)) {
      for (Path p : old.filter(p -> p.toString().endsWith(".yml")).toList()) {
        Files.delete(p);
      }
    }
    for (Path file : generated) {
      Files.copy(file, COMMITTED.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }
}
