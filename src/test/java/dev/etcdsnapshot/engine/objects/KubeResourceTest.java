package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resource names as kubectl users type them, and the storage names kube-apiserver files them under. */
class KubeResourceTest {

  @ParameterizedTest
  @CsvSource({
      "configmaps, configmaps, /registry/configmaps/",
      "cm, configmaps, /registry/configmaps/",
      "ConfigMap, configmaps, /registry/configmaps/",
      "secret, secrets, /registry/secrets/",
      "ns, namespaces, /registry/namespaces/",
      "svc, services, /registry/services/specs/",
      "ep, endpoints, /registry/services/endpoints/",
      "nodes, nodes, /registry/minions/",
      "deploy, deployments.apps, /registry/deployments/",
      "deployments.apps, deployments.apps, /registry/deployments/",
      "deployment.apps, deployments.apps, /registry/deployments/",
      "ing, ingresses.networking.k8s.io, /registry/ingress/",
      "crd, customresourcedefinitions.apiextensions.k8s.io, /registry/apiextensions.k8s.io/customresourcedefinitions/",
      "widgets.example.com, widgets.example.com, /registry/example.com/widgets/",
      "etcdsnapshotfiles.k3s.cattle.io, etcdsnapshotfiles.k3s.cattle.io, /registry/k3s.cattle.io/etcdsnapshotfiles/",
      "foos, foos, /registry/foos/",
  })
  void namesResolveToTheirKeys(String typed, String display, String prefix) {
    KubeResource r = KubeResource.named(typed);
    assertThat(r.displayName()).isEqualTo(display);
    assertThat(r.keyPrefix()).isEqualTo(prefix);
  }

  @Test
  void storageNamesMapBackToKubectlNames() {
    assertThat(KubeResource.stored("minions").displayName()).isEqualTo("nodes");
    assertThat(KubeResource.stored("services/specs").displayName()).isEqualTo("services");
    assertThat(KubeResource.stored("deployments").displayName()).isEqualTo("deployments.apps");
    assertThat(KubeResource.stored("example.com/widgets").displayName()).isEqualTo("widgets.example.com");
    assertThat(KubeResource.stored("masterleases").displayName()).isEqualTo("masterleases");
  }

  @Test
  void everyBuiltInResolvesByEachOfItsNamesAndByItsStorage() {
    for (KubeResource r : KubeResource.builtIns()) {
      assertThat(KubeResource.stored(r.storage())).isEqualTo(r);
      for (String alias : r.aliases()) {
        assertThat(KubeResource.named(alias)).as(alias).isEqualTo(r);
      }
    }
    assertThat(KubeResource.builtIns()).hasSizeGreaterThan(40);
  }

  @Test
  void aNameWithASlashIsRefusedNamingTheArgument() {
    assertThatThrownBy(() -> KubeResource.named("configmaps/x"))
        .hasMessageStartingWith("RESOURCE 'configmaps/x' is not a resource name");
  }
}
