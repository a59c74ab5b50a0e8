package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.engine.NodeLock;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.NodeSnapshotResult;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.operator.request.RequestAgentReconciler;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request agent in-process: the real reconciler, run by the operator's own wiring against the mock API server
 * (CRUD), with a fake {@link dev.etcdsnapshot.engine.SnapshotSource} streaming a real etcd snapshot and a local
 * temporary directory. A busy node is the engine refusing for real: the test holds the node's snapshot lock, as
 * another save would. The harness's in-process timing retries a busy request every 100 ms (2 s in production).
 */
@EnableKubernetesMockClient(crud = true)
class RequestAgentReconcilerTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static MutableClock clock;
  static OperatorHarness harness;
  static FixtureSource source;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    source = new FixtureSource();
    dir = harness.startWithSource("node-a", source, OperatorHarness.IN_PROCESS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @BeforeEach
  void inStepWithTheApiServer() {
    clock.set(Instant.now()); // creation timestamps are the API server's
  }

  static EtcdSnapshotRequest get(String name) {
    return client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static EtcdSnapshotRequest request(String name) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setNodes(List.of("node-a"));
    return harness.request(name, spec);
  }

  static NodeSnapshotResult entry(String name) {
    EtcdSnapshotRequest r = get(name);
    assertThat(r.getStatus()).isNotNull();
    assertThat(r.getStatus().getResults()).hasSize(1);
    return r.getStatus().getResults().get(0);
  }

  static List<Event> events(String reason, String request) {
    return harness.events(OperatorHarness.NS, reason).stream()
        .filter(e -> request.equals(e.getInvolvedObject().getName())).toList();
  }

  static List<String> files(String prefix) throws Exception {
    return OperatorHarness.files(dir).stream().filter(f -> f.startsWith(prefix + "-")).toList();
  }

  /** The node's snapshot lock, held as another save of the node would hold it: the engine refuses to save. */
  static AutoCloseable busy() {
    return NodeLock.acquire(new LocalSnapshotStore(dir, false, "node-a", SnapshotNames::parseTimestamp));
  }

  /** The first entry other than Running that follows a Running one (a claim) in {@code entries}, if any yet. */
  static Optional<NodeSnapshotResult> afterAClaim(List<NodeSnapshotResult> entries) {
    int claim = entries.stream().map(NodeSnapshotResult::getPhase).toList().indexOf(RequestPhase.RUNNING);
    return claim < 0 ? Optional.empty()
        : entries.subList(claim + 1, entries.size()).stream().filter(e -> e.getPhase() != RequestPhase.RUNNING)
            .findFirst();
  }

  @Test
  void aRequestSucceedsAndItsStatusListsTheFileOnDisk() throws Exception {
    request("before-upgrade");
    EtcdSnapshotRequest done = harness.finished("before-upgrade");

    assertThat(done.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    NodeSnapshotResult result = done.getStatus().getResults().get(0);
    assertThat(result.getNode()).isEqualTo("node-a");
    assertThat(result.getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    assertThat(result.getAgent()).isEqualTo("node-a-pod-0");
    assertThat(result.getSnapshotName()).matches("before-upgrade-node-a-\\d{10}");
    assertThat(files("before-upgrade")).containsExactly(result.getSnapshotName());
    assertThat(Files.readAllBytes(dir.resolve(result.getSnapshotName()))).as("the bytes etcd sent")
        .isEqualTo(FixtureSource.BYTES);
    assertThat(result.getSnapshotFiles()).singleElement().asString().startsWith("local-before-upgrade-node-a-");
    EtcdSnapshotFile object = client.resources(EtcdSnapshotFile.class).withName(result.getSnapshotFiles().get(0))
        .get();
    assertThat(object.getSpec().getSnapshotName()).isEqualTo(result.getSnapshotName());
    assertThat(object.getSpec().getLocation()).isEqualTo("file://" + dir.toRealPath() + "/"
        + result.getSnapshotName());
    assertThat(object.getStatus().getReadyToUse()).isTrue();
    assertThat(object.getStatus().getSize().getNumericalAmount().longValueExact())
        .isEqualTo(FixtureSource.BYTES.length);
    assertThat(events("SnapshotTaken", "before-upgrade")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(result.getSnapshotName(), "node-a"));
  }

  @Test
  void aBusyNodeKeepsTheRequestPendingAndRetriesUntilItIsFree() throws Exception {
    int streamsBefore = source.streams();
    try (AutoCloseable held = busy()) {
      request("while-busy");
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
        assertThat(entry("while-busy").getPhase()).isEqualTo(RequestPhase.PENDING);
        assertThat(entry("while-busy").getMessage()).contains("node-a").endsWith("; retrying");
        // each retry claims the entry for a moment (Running) before it records the refusal again
        assertThat(get("while-busy").getStatus().getPhase()).isIn(RequestPhase.PENDING, RequestPhase.RUNNING);
      });
      assertThat(files("while-busy")).isEmpty();
      assertThat(source.streams()).as("nothing streamed from etcd").isEqualTo(streamsBefore);
    }
    // Free again: the next retry takes it.
    EtcdSnapshotRequest done = harness.finished("while-busy");
    assertThat(done.getStatus().getPhase()).isEqualTo(RequestPhase.SUCCEEDED);
    assertThat(files("while-busy")).containsExactly(done.getStatus().getResults().get(0).getSnapshotName());
    assertThat(events("SnapshotFailed", "while-busy")).isEmpty();
  }

  @Test
  void aNodeBusyForLongerThanTheBoundFailsTheRequestWithTheReasonAndAnEvent() throws Exception {
    Duration bound = RequestAgentReconciler.MAX_BUSY_WAIT;
    assertThat(bound).as("the bound operator/docs/resources.md documents").isEqualTo(Duration.ofMinutes(30));
    int streamsBefore = source.streams();
    try (AutoCloseable held = busy()) {
      EtcdSnapshotRequest r = request("never-free");
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
          .until(() -> entry("never-free").getPhase() == RequestPhase.PENDING);

      // A minute short of the bound the retry still waits. Each retry claims the entry (Running) and then records
      // the refusal; a claim seen by a watch opened after the clock moved starts a retry that reads the new time,
      // and its record must be Pending again, not Failed (which would stay).
      clock.advance(bound.minusMinutes(1));
      List<NodeSnapshotResult> seen = new CopyOnWriteArrayList<>();
      try (Watch watch = client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS)
          .withName("never-free").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, EtcdSnapshotRequest changed) {
              var results = changed.getStatus() == null ? null : changed.getStatus().getResults();
              if (results != null && results.size() == 1) {
                seen.add(results.get(0));
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          })) {
        await().atMost(Duration.ofSeconds(10)).until(() -> afterAClaim(seen).isPresent());
      }
      // read from the watched record itself: a GET now may land on the next retry's claim, which has no message
      assertThat(afterAClaim(seen)).get().satisfies(e -> {
        assertThat(e.getPhase()).isEqualTo(RequestPhase.PENDING);
        assertThat(e.getMessage()).contains("node-a").endsWith("; retrying");
      });
      assertThat(events("SnapshotFailed", "never-free")).isEmpty();

      // Past it the node's entry fails, saying why, with an Event, and the leader fails the request.
      clock.advance(Duration.ofMinutes(2));
      EtcdSnapshotRequest failed = harness.finished("never-free");
      assertThat(failed.getStatus().getPhase()).isEqualTo(RequestPhase.FAILED);
      String gaveUp = "; gave up after retrying for PT30M (the most a request waits for another snapshot of the node "
          + "to end); create a new request to retry";
      String why = entry("never-free").getMessage();
      assertThat(failed.getStatus().getResults()).singleElement().satisfies(e -> {
        assertThat(e.getPhase()).isEqualTo(RequestPhase.FAILED);
        assertThat(e.getMessage()).contains("node-a").endsWith(gaveUp);
      });
      assertThat(failed.getStatus().getConditions()).filteredOn(c -> "Failed".equals(c.getType())).singleElement()
          .satisfies(c -> assertThat(c.getMessage()).isEqualTo("node-a: " + why));
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events("SnapshotFailed", "never-free"))
          .singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).isEqualTo("Snapshot on node node-a failed: " + why);
          }));
      assertThat(files("never-free")).isEmpty();
      assertThat(source.streams()).as("nothing streamed from etcd").isEqualTo(streamsBefore);
    }
  }
}
