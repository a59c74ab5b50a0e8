package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.content.RegistryKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The etcd keys kube-apiserver writes, as the reader parses them and get and diff build and show them: the storage
 * names of {@link KubeResource}'s table must come out of the parse as they go in.
 */
class ObjectKeysTest {

  private static RegistryKey parse(String key) {
    return RegistryKey.parse(key.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(value = {
      "/registry/configmaps/default/app-config, configmaps, default, app-config",
      "/registry/namespaces/kube-system, namespaces, '', kube-system",
      "/registry/minions/node-1.example.com, minions, '', node-1.example.com",
      "/registry/services/specs/default/kubernetes, services/specs, default, kubernetes",
      "/registry/services/endpoints/default/kubernetes, services/endpoints, default, kubernetes",
      "/registry/deployments/kube-system/coredns, deployments, kube-system, coredns",
      "/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com, "
          + "apiextensions.k8s.io/customresourcedefinitions, '', widgets.example.com",
      "/registry/example.com/widgets/team-a/w1, example.com/widgets, team-a, w1",
      "/registry/k3s.cattle.io/etcdsnapshotfiles/local-on-demand-n1-1767225600-1a2b3c, "
          + "k3s.cattle.io/etcdsnapshotfiles, '', local-on-demand-n1-1767225600-1a2b3c",
      "/registry/ranges/serviceips, ranges, '', serviceips",
  })
  void parsesKeys(String key, String storage, String namespace, String name) {
    RegistryKey parsed = parse(key);
    assertThat(parsed).isEqualTo(new RegistryKey(storage, namespace, name));
    assertThat(ObjectKeys.keyOf(parsed)).isEqualTo(key);
    assertThat(ObjectKeys.keyOf(storage, namespace, name)).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"compact_rev_key", "/registry/health", "/other/configmaps/default/x"})
  void keysThatAreNoObjectAreNotParsed(String key) {
    assertThat(parse(key)).isNull();
  }

  @Test
  void displayNameIsNamespaceSlashName() {
    assertThat(ObjectKeys.displayName(new RegistryKey("configmaps", "default", "x"))).isEqualTo("default/x");
    assertThat(ObjectKeys.displayName(new RegistryKey("namespaces", "", "x"))).isEqualTo("x");
  }
}
