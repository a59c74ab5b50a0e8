package dev.etcdsnapshot.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestStatus;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.request.RequestResults;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {

  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    TestCrds.create(client);
  }

  private EtcdSnapshotRequest create(String name) {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    return client.resource(r).create();
  }

  @Test
  void twoWritersFromTheSameStaleCopyBothLandTheirChange() {
    EtcdSnapshotRequest stale = create("race");
    StatusWriter writer = new StatusWriter(client);
    writer.update(stale, r -> RequestResults.claim(r, "node-a", "pod-a"));
    AtomicInteger attempts = new AtomicInteger();
    writer.update(stale, r -> {
      attempts.incrementAndGet();
      return RequestResults.claim(r, "node-b", "pod-b");
    });

    EtcdSnapshotRequest now = client.resource(stale).get();
    assertThat(now.getStatus().getResults()).extracting(x -> x.getNode()).containsExactly("node-a", "node-b");
    assertThat(attempts.get()).as("the stale write was refused and redone on the fresh object").isEqualTo(2);
  }

  @Test
  void aClaimIsWonOnce() {
    EtcdSnapshotRequest stale = create("once");
    StatusWriter writer = new StatusWriter(client);
    assertThat(writer.update(stale, r -> RequestResults.claim(r, "node-a", "pod-1"))).isPresent();
    writer.update(stale, r -> RequestResults.claim(r, "node-a", "pod-2"));
    EtcdSnapshotRequest now = client.resource(stale).get();
    assertThat(now.getStatus().getResults()).singleElement().satisfies(r -> {
      assertThat(r.getAgent()).isEqualTo("pod-1");
      assertThat(r.getPhase()).isEqualTo(RequestPhase.RUNNING);
    });
  }

  @Test
  void nothingIsWrittenWhenNothingChanged() {
    EtcdSnapshotRequest r = create("quiet");
    String rv = r.getMetadata().getResourceVersion();
    new StatusWriter(client).update(r, x -> false);
    assertThat(client.resource(r).get().getMetadata().getResourceVersion()).isEqualTo(rv);
  }
}
