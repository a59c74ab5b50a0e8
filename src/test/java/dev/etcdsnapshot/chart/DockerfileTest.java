package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile cannot be built here (no Docker engine); this checks what the chart relies on: the jar it copies,
 * a non-root default user, a temp dir that works on a read-only root, the exec-form entrypoint the chart's args
 * follow, and the metrics port.
 */
class DockerfileTest {

  @TempDir Path tmp;

  @Test
  void imageRunsTheShadedJarAsANonRootUserWithTmpAsItsOnlyWritablePlace() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    String text = String.join("\n", lines);

    assertThat(lines).anyMatch(l -> l.matches("FROM eclipse-temurin:17-jre\\S*"));
    assertThat(text).contains("COPY target/etcd-snapshot-operator.jar /app/etcd-snapshot-operator.jar");
    assertThat(lines).anyMatch(l -> l.matches("USER [1-9][0-9]*(:[0-9]+)?"));
    assertThat(text).contains("-Djava.io.tmpdir=/tmp");
    assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT [\"java\"") && l.contains("/app/etcd-snapshot-operator.jar"));
    assertThat(Files.readString(Path.of(".dockerignore"))).contains("!target/etcd-snapshot-operator.jar");
  }

  @Test
  void chartExposesThePortTheImageDeclares() throws IOException {
    String expose = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("EXPOSE "))
        .findFirst().orElseThrow().substring("EXPOSE ".length()).trim();
    String port = Chart.render(tmp, Map.of()).get("DaemonSet", Chart.RELEASE)
        .at("/spec/template/spec/containers/0/ports/0/containerPort").asText();

    assertThat(port).isEqualTo(expose);
  }
}
