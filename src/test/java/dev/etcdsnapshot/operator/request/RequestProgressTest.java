package dev.etcdsnapshot.operator.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestProgressTest {

  static final Instant CREATED = Instant.parse("2026-05-01T10:00:00Z");
  static final Duration GRACE = Duration.ofSeconds(30);

  static EtcdSnapshotRequest request() {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(1L)
        .withCreationTimestamp(CREATED.toString()).build());
    return r;
  }

  @Test
  void pendingUntilANodeStartsThenRunningThenSucceeded() {
    EtcdSnapshotRequest r = request();
    Map<String, String> live = Map.of("a", "pod-a", "b", "pod-b");
    Instant now = CREATED.plusSeconds(1);
    assertThat(RequestProgress.update(r, List.of(), live, now, GRACE)).isTrue();
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.PENDING);
    assertThat(r.getStatus().getProgress()).isEqualTo("0/2");

    RequestResults.claim(r, "a", "pod-a");
    RequestProgress.update(r, List.of(), live, now, GRACE);
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.RUNNING);
    assertThat(r.getStatus().getStartTime()).isEqualTo(now.toString());

    RequestResults.record(r, "a", "pod-a", RequestPhase.SUCCEEDED, "f-a", List.of("local-f-a"), "");
    RequestResults.claim(r, "b", "pod-b");
    RequestResults.record(r, "b", "pod-b", RequestPhase.SUCCEEDED, "f-b", List.of("local-f-b"), "");
    RequestProgress.update(r, List.of(), live, now.plusSeconds(5), GRACE);
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    assertThat(r.getStatus().getProgress()).isEqualTo("2/2");
    assertThat(r.getStatus().getCompletionTime()).isEqualTo(now.plusSeconds(5).toString());
    assertThat(r.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactlyInAnyOrder("Complete=True", "Failed=False");
    assertThat(RequestProgress.update(r, List.of(), live, now.plusSeconds(9), GRACE))
        .as("a finished request is never changed again").isFalse();
  }

  @Test
  void aSelectedNodeWithoutAgentWaitsForTheGraceThenFails() {
    EtcdSnapshotRequest r = request();
    Map<String, String> live = Map.of("a", "pod-a");
    RequestProgress.update(r, List.of("a", "x"), live, CREATED.plusSeconds(5), GRACE);
    assertThat(RequestResults.result(r, "x")).isEmpty();
    List<String> failed = new ArrayList<>();
    RequestProgress.update(r, List.of("a", "x"), live, CREATED.plusSeconds(31), GRACE, failed);
    assertThat(RequestResults.result(r, "x")).get().extracting(NodeSnapshotResult::getPhase)
        .isEqualTo(RequestPhase.FAILED);
    assertThat(failed).containsExactly("no live agent on node x (its Lease is missing or expired); not waited for");
    assertThat(r.getStatus().getPhase()).as("under way: one node done, node a not yet").isEqualTo(RequestPhase.RUNNING);
    assertThat(r.getStatus().getProgress()).isEqualTo("1/2");
  }

  @Test
  void anAgentThatGoesAwayMidSnapshotFailsItsNode() {
    EtcdSnapshotRequest r = request();
    RequestResults.claim(r, "a", "pod-a");
    // The node's Lease is now held by another pod (the agent was replaced).
    RequestProgress.update(r, List.of(), Map.of("a", "pod-a2"), CREATED.plusSeconds(60), GRACE);
    assertThat(RequestResults.result(r, "a").get().getMessage())
        .isEqualTo("the agent on node a stopped while taking the snapshot");
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.FAILED);
  }

  @Test
  void noAgentsAtAllFailsAfterTheGrace() {
    EtcdSnapshotRequest r = request();
    RequestProgress.update(r, List.of(), Map.of(), CREATED.plusSeconds(10), GRACE);
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.PENDING);
    RequestProgress.update(r, List.of(), Map.of(), CREATED.plusSeconds(40), GRACE);
    assertThat(r.getStatus().getPhase()).isEqualTo(RequestPhase.FAILED);
    assertThat(r.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NoAgents"));
  }

  @Test
  void aClaimIsExclusiveAndAResultBelongsToItsAgent() {
    EtcdSnapshotRequest r = request();
    assertThat(RequestResults.claim(r, "a", "pod-1")).isTrue();
    assertThat(RequestResults.claim(r, "a", "pod-2")).isFalse();
    assertThat(RequestResults.record(r, "a", "pod-2", RequestPhase.SUCCEEDED, "f", List.of(), "")).isFalse();
    assertThat(RequestResults.record(r, "a", "pod-1", RequestPhase.PENDING, "", List.of(), "busy")).isTrue();
    assertThat(RequestResults.claim(r, "a", "pod-1")).as("a Pending entry can be claimed again").isTrue();
  }
}
