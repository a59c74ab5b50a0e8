package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real k3s (embedded etcd, {@code --cluster-init}, k3s's own snapshots off): our CRDs applied next to
 * k3s's ETCDSnapshotFile CRD (which is not replaced), the operator run in-process against the container's API
 * server and etcd (the etcd client certificates copied out of the container), a request applied, and the
 * ETCDSnapshotFile checked to carry the name k3s would give it. Skipped where Docker is absent.
 */
@Testcontainers(disabledWithoutDocker = true)
class OperatorE2E {

  static final String NS = "etcd-snapshot";
  static final String TLS = "/var/lib/rancher/k3s/server/tls/etcd/";

  @Container
  static final K3sContainer K3S = k3s();

  static KubernetesClient client;
  static OperatorRuntime runtime;

  static K3sContainer k3s() {
    K3sContainer k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.5-k3s1"));
    String[] base = k3s.getCommandParts();
    String[] command = java.util.Arrays.copyOf(base, base.length + 2);
    command[base.length] = "--cluster-init";
    command[base.length + 1] = "--etcd-disable-snapshots";
    k3s.setCommand(command);
    k3s.addExposedPort(2379);
    return k3s;
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Test
  void aRequestOnK3sMakesTheObjectK3sWouldMake(@TempDir Path tmp) throws Exception {
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();
    applyOurCrds();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    String node = client.nodes().list().getItems().get(0).getMetadata().getName();

    Path certs = Files.createDirectories(tmp.resolve("tls"));
    for (String f : List.of("server-ca.crt", "client.crt", "client.key")) {
      K3S.copyFileFromContainer(TLS + f, certs.resolve(f).toString());
    }
    Path dir = Files.createDirectories(tmp.resolve("snapshots"));
    URI endpoint = URI.create("https://" + K3S.getHost() + ":" + K3S.getMappedPort(2379));
    EtcdConnectionSettings etcd = new EtcdConnectionSettings(List.of(endpoint), certs.resolve("server-ca.crt"),
        certs.resolve("client.crt"), certs.resolve("client.key"), EtcdConnectionSettings.DEFAULT_CONNECT_TIMEOUT,
        EtcdConnectionSettings.DEFAULT_CALL_TIMEOUT).validate();
    OperatorConfig config = new OperatorConfig(node, "e2e-pod", Set.of(NS), NS, etcd, dir, false,
        Duration.ofMinutes(10), Flavor.K3S, true, 0, OperatorConfig.Timing.DEFAULT);
    runtime = OperatorRuntime.start(config, client, Clock.systemUTC(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);

    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    EtcdSnapshotRequest request = new EtcdSnapshotRequest();
    request.setMetadata(new ObjectMetaBuilder().withName("e2e").withNamespace(NS).build());
    request.setSpec(spec);
    client.resource(request).create();

    EtcdSnapshotRequest done = await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(
        () -> client.resources(EtcdSnapshotRequest.class).inNamespace(NS).withName("e2e").get(),
        r -> r.getStatus().getPhase() == RequestPhase.SUCCEEDED);
    NodeSnapshotResult result = done.getStatus().getResults().get(0);
    String fileName = result.getSnapshotName();
    assertThat(fileName).matches("on-demand-" + node + "-\\d{10}");
    Path file = dir.resolve(fileName);
    assertThat(file).isRegularFile();
    String expected = SnapshotNames.objectName(StorageKind.LOCAL, fileName, node, node,
        SnapshotLayout.localLocation(file), SnapshotNames.parseTimestamp(fileName).orElseThrow());
    assertThat(result.getSnapshotFiles()).containsExactly(expected);

    EtcdSnapshotFile object = client.resources(EtcdSnapshotFile.class).withName(expected).get();
    assertThat(object).isNotNull();
    assertThat(object.getSpec().getNodeName()).isEqualTo(node);
    assertThat(object.getSpec().getLocation()).isEqualTo(SnapshotLayout.localLocation(file));
    assertThat(object.getMetadata().getLabels()).containsEntry("etcd.k3s.cattle.io/snapshot-storage-node", node);
    assertThat(object.getStatus().getReadyToUse()).as("status written with the object: k3s's CRD has no status "
        + "subresource").isTrue();
    assertThat(object.getStatus().getSize().getNumericalAmount().longValue()).isEqualTo(Files.size(file));
  }

  /** Our two CRDs; k3s's own ETCDSnapshotFile CRD is left as it is, as the chart does. */
  private static void applyOurCrds() throws Exception {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("crds"), "*.yml")) {
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          if (crd.getMetadata().getName().equals(EtcdSnapshotFile.CRD_NAME)
              && client.resource(crd).get() != null) {
            continue;
          }
          client.resource(crd).serverSideApply();
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream().anyMatch(
                      x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                  1, java.util.concurrent.TimeUnit.MINUTES);
        }
      }
    }
  }
}
