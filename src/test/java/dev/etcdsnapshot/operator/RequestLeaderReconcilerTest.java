package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request leader in-process: the real reconciler, run by the operator's own wiring (leader election off, so it
 * leads at once) against the mock API server (CRUD), beside one agent whose snapshots come from a fake
 * {@link dev.etcdsnapshot.engine.SnapshotSource} streaming a real etcd snapshot. Asserts the phase, the conditions,
 * the Events and the TTL a user sees.
 */
@EnableKubernetesMockClient(crud = true)
class RequestLeaderReconcilerTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static MutableClock clock;
  static OperatorHarness harness;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    dir = harness.startWithSource("node-a", new FixtureSource(), OperatorHarness.IN_PROCESS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @BeforeEach
  void inStepWithTheApiServer() {
    clock.set(Instant.now()); // creation timestamps, which the agents' grace is counted from, are the API server's
  }

  static EtcdSnapshotRequest get(String name) {
    return client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static EtcdSnapshotRequest request(String name, List<String> nodes, Integer ttlSeconds) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setNodes(nodes);
    spec.setTtlSecondsAfterFinished(ttlSeconds);
    return harness.request(name, spec);
  }

  static List<Event> events(String reason, String request) {
    return harness.events(OperatorHarness.NS, reason).stream()
        .filter(e -> request.equals(e.getInvolvedObject().getName())).toList();
  }

  static Condition condition(EtcdSnapshotRequest r, String type) {
    return r.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @Test
  void theNodesResultsMakeThePhaseAndAFinishedRequestGoesOnceItsTtlHasPassed() throws Exception {
    EtcdSnapshotRequest created = request("short-lived", null, 60);
    EtcdSnapshotRequest done = harness.finished("short-lived");
    assertThat(done.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    assertThat(done.getStatus().getProgress()).isEqualTo("1/1");
    assertThat(done.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(done.getStatus().getStartTime()).isNotNull();
    assertThat(done.getStatus().getCompletionTime()).isEqualTo(clock.instant().toString());
    assertThat(condition(done, "Complete")).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("SnapshotsTaken");
      assertThat(c.getMessage()).isEqualTo("snapshots taken on node-a");
    });
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events("RequestSucceeded", "short-lived"))
        .singleElement().satisfies(e -> assertThat(e.getMessage()).isEqualTo("Snapshots taken on 1/1 nodes")));

    // Within its TTL the leader looks again (every 100 ms here) and keeps it; past it, the request is deleted.
    clock.advance(Duration.ofSeconds(59));
    leaderLooksAgain(created);
    assertThat(get("short-lived")).as("kept within its TTL").isNotNull();
    clock.advance(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> get("short-lived") == null);
    assertThat(OperatorHarness.files(dir)).as("the snapshot stays").anyMatch(f -> f.startsWith("short-lived-"));
  }

  /** Waits for a look of the leader that started after this call (the one in flight, if any, does not count). */
  static void leaderLooksAgain(EtcdSnapshotRequest request) {
    OperatorRuntime runtime = harness.runtime(0);
    long before = harness.reconciled(runtime, "request-leader", request);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> harness.reconciled(runtime, "request-leader", request) >= before + 2);
  }

  @Test
  void aSelectedNodeWithoutALiveAgentIsWaitedForOnlyForTheGraceThenFailsTheRequest() {
    request("two-nodes", List.of("node-a", "node-x"), null);
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
      EtcdSnapshotRequest r = get("two-nodes");
      assertThat(r.getStatus().getResults()).extracting(NodeSnapshotResult::getNode).containsExactly("node-a");
      assertThat(r.getStatus().getResults().get(0).getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
      assertThat(r.getStatus().getProgress()).isEqualTo("1/2");
    });
    // node-x has no agent Lease, but the request is younger than the agents' grace: the leader waits for it.
    EtcdSnapshotRequest waiting = get("two-nodes");
    harness.awaitReconciledAfter("request-leader", waiting, waiting.getMetadata().getResourceVersion());
    assertThat(get("two-nodes").getStatus().getPhase()).isEqualTo(RequestPhase.RUNNING);
    assertThat(events("NodeUnavailable", "two-nodes")).isEmpty();

    clock.advance(OperatorHarness.IN_PROCESS.agentGrace().plusSeconds(1));
    EtcdSnapshotRequest failed = harness.finished("two-nodes");
    String why = "no live agent on node node-x (its Lease is missing or expired); not waited for";
    assertThat(failed.getStatus().getPhase()).isEqualTo(RequestPhase.FAILED);
    assertThat(failed.getStatus().getProgress()).isEqualTo("2/2");
    assertThat(failed.getStatus().getResults()).filteredOn(r -> "node-x".equals(r.getNode())).singleElement()
        .satisfies(r -> {
          assertThat(r.getPhase()).isEqualTo(RequestPhase.FAILED);
          assertThat(r.getMessage()).isEqualTo(why);
        });
    assertThat(condition(failed, "Failed")).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getMessage()).isEqualTo("node-x: " + why);
    });
    assertThat(condition(failed, "Complete").getStatus()).isEqualTo("False");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(events("NodeUnavailable", "two-nodes")).singleElement()
          .satisfies(e -> assertThat(e.getMessage()).isEqualTo(why));
      assertThat(events("RequestFailed", "two-nodes")).singleElement()
          .satisfies(e -> assertThat(e.getMessage()).isEqualTo("Request failed: node-x: " + why));
    });
  }
}
