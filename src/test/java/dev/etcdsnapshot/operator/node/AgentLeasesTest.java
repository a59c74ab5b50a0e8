package dev.etcdsnapshot.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.operator.MutableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class AgentLeasesTest {

  static KubernetesClient client;

  @Test
  void aNodeIsLiveWhileItsAgentRenewsAndGoneAfterTheLeaseRunsOut() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    AgentLeases leases = new AgentLeases(client, "ops", clock, Duration.ofSeconds(30));
    leases.renew("node-a", "pod-a");
    leases.renew("node-b", "pod-b");
    assertThat(client.leases().inNamespace("ops").withName("etcd-snapshot-agent-node-a").get().getSpec()
        .getHolderIdentity()).isEqualTo("pod-a");
    assertThat(leases.liveNodes()).containsExactly("node-a", "node-b");

    clock.advance(Duration.ofSeconds(20));
    leases.renew("node-a", "pod-a2");
    clock.advance(Duration.ofSeconds(15));
    assertThat(leases.liveNodes()).containsExactly("node-a");
    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.liveNodes()).isEmpty();
  }

  @Test
  void otherLeasesAreNotAgents() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    client.leases().inNamespace("other").resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
        .withNewMetadata().withName("etcd-snapshot-operator-leader").endMetadata()
        .withNewSpec().withHolderIdentity("x").endSpec().build()).create();
    assertThat(new AgentLeases(client, "other", clock, Duration.ofSeconds(30)).liveNodes()).isEmpty();
  }

  @Test
  void acquireTimeSaysSinceWhenTheHolderRenewedAlone() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    AgentLeases leases = new AgentLeases(client, "acq", clock, Duration.ofSeconds(30));
    leases.renew("node-a", "pod-old");
    clock.advance(Duration.ofSeconds(10));
    leases.renew("node-a", "pod-new");
    Instant takenOver = clock.instant();
    clock.advance(Duration.ofSeconds(10));
    leases.renew("node-a", "pod-new");
    assertThat(leases.holder("node-a")).hasValueSatisfying(h -> {
      assertThat(h.identity()).isEqualTo("pod-new");
      assertThat(h.acquired()).as("a renewal by the same holder keeps it").isEqualTo(takenOver);
      assertThat(h.renewed()).isEqualTo(clock.instant());
    });
    leases.renew("node-a", "pod-old");
    assertThat(leases.holder("node-a").orElseThrow().acquired()).as("another holder resets it")
        .isEqualTo(clock.instant());
    assertThat(leases.lastRenewals()).containsEntry("node-a", clock.instant());
    assertThat(leases.holder("node-none")).isEmpty();
  }
}
