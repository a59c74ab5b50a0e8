package dev.etcdsnapshot.chart;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Helm chart under {@code helm/etcd-snapshot-operator}, rendered with helm-java (Helm's own Go code; there is
 * no helm binary on the build machines) under the release name and namespace the docs use.
 */
final class Chart {

  static final Path DIR = Path.of("helm", "etcd-snapshot-operator");
  static final String RELEASE = "etcd-snapshot-operator";
  static final String NAMESPACE = "etcd-snapshot";
  /** helm-java otherwise assumes Kubernetes 1.20, below the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.31.0";

  private Chart() {}

  /** {@code helm template} with {@code values} (nested maps and lists, written as a values file). */
  static Manifests render(Path tmp, Map<String, ?> values) {
    return Manifests.parse(renderText(tmp, values));
  }

  static String renderText(Path tmp, Map<String, ?> values) {
    try {
      Path file = Files.createTempFile(tmp, "values", ".yaml");
      Files.writeString(file, Manifests.YAML.writeValueAsString(values));
      return new Helm(DIR)
          .template()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .withKubeVersion(KUBE_VERSION)
          .withValuesFile(file)
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The NOTES.txt a user sees after {@code helm install} with {@code values} (a client-only dry run). */
  static String notes(Path tmp, Map<String, ?> values) {
    try {
      Path file = Files.createTempFile(tmp, "values", ".yaml");
      Files.writeString(file, Manifests.YAML.writeValueAsString(values));
      String output = new Helm(DIR)
          .install()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .withKubeVersion(KUBE_VERSION)
          .withValuesFile(file)
          .clientOnly()
          .withDryRunOption(DryRun.CLIENT)
          .call()
          .getOutput();
      return output.substring(output.indexOf("NOTES:"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code helm lint --strict} of the chart directory {@code dir}. */
  static LintResult lint(Path dir) {
    return new Helm(dir).lint().strict().call();
  }
}
