package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GitHub workflows parse and do what the README says CI does. */
class WorkflowsTest {

  private static final Path DIR = Path.of(".github", "workflows");

  @Test
  void buildAndTestInstallsEtcdAndRunsTheCiEntryPoint() throws IOException {
    JsonNode wf = read("build-and-test.yml");
    String run = runs(wf);

    assertThat(run).contains("etcd-server", "etcd-client", "bash .ci/run");
    assertThat(wf.at("/jobs/verify/env/CI").asText()).isEqualTo("true");
  }

  @Test
  void e2eRunsOnlyTheE2eTestsOnARunnerWithDocker() throws IOException {
    JsonNode wf = read("e2e.yml");

    assertThat(wf.at("/jobs/e2e/runs-on").asText()).startsWith("ubuntu");
    assertThat(wf.at("/jobs/e2e/container").isMissingNode()).as("Testcontainers needs the runner's Docker").isTrue();
    assertThat(runs(wf)).contains("mvn -B verify", "-Dit.test='*E2E'", "-Dtest=none");
  }

  @Test
  void imageIsBuiltFromTheJarAndPushedToGhcrOnTags() throws IOException {
    JsonNode wf = read("image.yml");

    assertThat(wf.at("/on/push/tags/0").asText()).isEqualTo("v*");
    assertThat(runs(wf)).contains("mvn -B -DskipTests package");
    assertThat(uses(wf)).anyMatch(u -> u.startsWith("docker/build-push-action@"));
    assertThat(wf.toString()).contains("ghcr.io/${{ github.repository }}");
    assertThat(wf.at("/permissions/packages").asText()).isEqualTo("write");
  }

  private static JsonNode read(String name) throws IOException {
    return Manifests.YAML.readTree(DIR.resolve(name).toFile());
  }

  private static String runs(JsonNode wf) {
    StringBuilder out = new StringBuilder();
    wf.path("jobs").forEach(job -> job.path("steps").forEach(s -> out.append(s.path("run").asText()).append('\n')));
    return out.toString();
  }

  private static List<String> uses(JsonNode wf) {
    List<String> out = new ArrayList<>();
    wf.path("jobs").forEach(job -> job.path("steps").forEach(s -> out.add(s.path("uses").asText())));
    return out;
  }
}
