package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The etcd keys kube-apiserver writes, parsed into resource, namespace and name. */
class RegistryKeyTest {

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "/registry/configmaps/default/app-config, configmaps, default, app-config",
      "/registry/namespaces/kube-system, namespaces, -, kube-system",
      "/registry/minions/node-1.example.com, minions, -, node-1.example.com",
      "/registry/services/specs/default/kubernetes, services/specs, default, kubernetes",
      "/registry/services/endpoints/default/kubernetes, services/endpoints, default, kubernetes",
      "/registry/deployments/kube-system/coredns, deployments, kube-system, coredns",
      "/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com, "
          + "apiextensions.k8s.io/customresourcedefinitions, -, widgets.example.com",
      "/registry/example.com/widgets/team-a/w1, example.com/widgets, team-a, w1",
      "/registry/k3s.cattle.io/etcdsnapshotfiles/local-on-demand-n1-1767225600-1a2b3c, "
          + "k3s.cattle.io/etcdsnapshotfiles, -, local-on-demand-n1-1767225600-1a2b3c",
      "/registry/ranges/serviceips, ranges, -, serviceips",
  })
  void parsesKeys(String key, String storage, String namespace, String name) {
    RegistryKey parsed = RegistryKey.parse(key).orElseThrow();
    assertThat(parsed).isEqualTo(new RegistryKey(storage, namespace, name));
    assertThat(parsed.key()).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"compact_rev_key", "/registry/health", "/registry/", "/registry/configmaps/a/b/c",
      "/registry/configmaps//x", "/other/configmaps/default/x", "/registry/example.com/widgets/a/b/c"})
  void keysThatAreNoOneObjectAreNotParsed(String key) {
    assertThat(RegistryKey.parse(key)).isEmpty();
  }

  @Test
  void displayNameIsNamespaceSlashName() {
    assertThat(new RegistryKey("configmaps", "default", "x").displayName()).isEqualTo("default/x");
    assertThat(new RegistryKey("namespaces", null, "x").displayName()).isEqualTo("x");
  }
}
