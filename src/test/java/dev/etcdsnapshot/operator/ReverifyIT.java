package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.reverify.LocalCopies;
import dev.etcdsnapshot.operator.reverify.ReverifyRound;
import dev.etcdsnapshot.operator.reverify.S3Copies;
import dev.etcdsnapshot.operator.reverify.StoredCopyVerifier;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3RemoteStores;
import dev.etcdsnapshot.operator.s3.S3SecretReader;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Periodic re-verification of stored copies against real etcd, a real S3 server and the mock API server: a copy
 * that rots after its save-time proof (a byte of a value changed, the trailer made to match again) is reported —
 * Event, {@code verify-failed}, metric — and kept; a clean copy's {@code verified-at} moves.
 */
@EnableKubernetesMockClient(crud = true)
class ReverifyIT {

  static final String MARKER = "reverify-marker-value-0123456789";
  static final Duration INTERVAL = Duration.ofHours(24);

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static S3Server s3;
  static OperatorHarness harness;
  static MutableClock clock;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(50, 256);
    etcd.member(0).etcdctl("put", "/registry/configmaps/default/marker", MARKER);
    s3 = S3Server.builder().start().createBucket("reverify");
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock); // installs the CRDs
    dir = harness.startAgent("node-r", etcd.member(0));
    client.resource(S3IT.secret("rv-s3", s3.secret("reverify"))).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  static String snapshot(String name) {
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setName(name);
    spec.setCompress(false);
    spec.setS3(S3IT.s3("rv-s3"));
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    client.resource(r).create();
    EtcdSnapshotRequest done = Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
        () -> client.resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(name).get(),
        x -> x.getStatus().getPhase() == RequestPhase.SUCCEEDED);
    assertThat(done.getStatus().getResults().get(0).getContentProof()).startsWith("verified at revision ");
    return done.getStatus().getResults().get(0).getSnapshotName();
  }

  static EtcdSnapshotFile object(String storageNode, String fileName) {
    return harness.objects(storageNode).stream().filter(f -> fileName.equals(f.getSpec().getSnapshotName()))
        .findFirst().orElseThrow();
  }

  /** Changes one byte of the marker value inside the bbolt data; optionally makes the trailer match again. */
  static byte[] rot(byte[] snapshot, boolean recomputeTrailer) throws Exception {
    byte[] bytes = snapshot.clone();
    int at = indexOf(bytes, MARKER.getBytes(StandardCharsets.US_ASCII));
    assertThat(at).as("marker value in the snapshot").isPositive();
    bytes[at + MARKER.length() - 1] ^= 0x01;
    if (recomputeTrailer) {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(bytes, bytes.length - 32));
      System.arraycopy(sha, 0, bytes, bytes.length - 32, 32);
    }
    return bytes;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aRottenCopyIsReportedAndKeptAndACleanCopysVerifiedAtMoves() throws Exception {
    String rotten = snapshot("rotten");
    String clean = snapshot("clean");
    Map<String, String> cleanBefore = object("node-r", clean).getMetadata().getAnnotations();
    assertThat(cleanBefore).containsKeys(SnapshotLabels.KV_HASH_ANNOTATION,
        SnapshotLabels.KV_HASH_COMPACT_REVISION_ANNOTATION);
    assertThat(object("s3", clean).getMetadata().getAnnotations()).containsKey(SnapshotLabels.KV_HASH_ANNOTATION);

    // The local file: only the content check can catch this one (structure and trailer are intact).
    Path local = dir.resolve(rotten);
    Files.write(local, rot(Files.readAllBytes(local), true));
    // The S3 object: re-PUT with a changed byte.
    var head = s3.client().headObject(b -> b.bucket("reverify").key(rotten));
    byte[] stored = s3.client().getObjectAsBytes(b -> b.bucket("reverify").key(rotten)).asByteArray();
    s3.client().putObject(b -> b.bucket("reverify").key(rotten).metadata(head.metadata()),
        RequestBody.fromBytes(rot(stored, false)));

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SnapshotMetrics metrics = new SnapshotMetrics(registry, clock);
    SnapshotEvents events = new SnapshotEvents(client, clock, "node-r", OperatorConfig.DEFAULT_EVENT_COMPONENT);
    Path tmp = Files.createTempDirectory("reverify-it-");
    clock.advance(INTERVAL.plusHours(1));
    Instant roundAt = clock.instant();
    new ReverifyRound(client, Flavor.K3S, "node-r",
        new LocalCopies(new LocalSnapshotStore(dir, false, "node-r", SnapshotNames::parseTimestamp)),
        new StoredCopyVerifier(tmp, Long.MAX_VALUE), events, metrics, clock, INTERVAL, 10).run();
    S3Stores stores = new S3Stores(client, Set.of(OperatorHarness.NS),
        new S3Access(new S3SecretReader(client), new S3RemoteStores(Flavor.K3S)));
    new ReverifyRound(client, Flavor.K3S, SnapshotLabels.STORAGE_NODE_S3, new S3Copies(stores, tmp, 1L << 30),
        new StoredCopyVerifier(tmp, Long.MAX_VALUE), events, metrics, clock, INTERVAL, 10).run();

    // The rotten copies: verify-failed says what was found, a Warning names each, the metric counts both.
    assertThat(object("node-r", rotten).getMetadata().getAnnotations().get(SnapshotLabels.VERIFY_FAILED_ANNOTATION))
        .startsWith("content mismatch at revision ");
    assertThat(object("s3", rotten).getMetadata().getAnnotations().get(SnapshotLabels.VERIFY_FAILED_ANNOTATION))
        .contains("corrupt");
    List<Event> warnings = client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> SnapshotEvents.CONTENT_MISMATCH.equals(e.getReason())).toList();
    assertThat(warnings).hasSize(2).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains(rotten).contains("the copy is kept");
    });
    String scrape = registry.scrape();
    assertThat(scrape).contains("etcd_snapshot_reverify_failures_total{storage=\"local\"} 1.0")
        .contains("etcd_snapshot_reverify_failures_total{storage=\"s3\"} 1.0");
    // ... and nothing was deleted.
    assertThat(Files.exists(local)).isTrue();
    assertThat(s3.client().listObjectsV2(b -> b.bucket("reverify")).contents()).anyMatch(o -> o.key().equals(rotten));

    // The clean copies: verified-at moved to the round's time, no verify-failed; the gauge follows.
    String at = java.time.format.DateTimeFormatter.ISO_INSTANT.format(roundAt.truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS));
    for (String storage : List.of("node-r", "s3")) {
      Map<String, String> a = object(storage, clean).getMetadata().getAnnotations();
      assertThat(a.get(SnapshotLabels.VERIFIED_AT_ANNOTATION)).as(storage).isEqualTo(at);
      assertThat(a).as(storage).doesNotContainKey(SnapshotLabels.VERIFY_FAILED_ANNOTATION);
    }
    assertThat(scrape).contains("etcd_snapshot_last_content_verified_timestamp_seconds{node=\"node-r\"} "
        + (double) roundAt.toEpochMilli() / 1000.0);
    try (var walk = Files.list(tmp)) {
      assertThat(walk.toList()).as("temporary downloads are deleted").isEmpty();
    }
  }
}
