package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.reverify.ReverifyVerdict;
import dev.etcdsnapshot.operator.reverify.ReverifyVerdict.Outcome;
import dev.etcdsnapshot.operator.status.Conditions;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Re-verification verdicts reaching the Verified condition of the schedule that made the copy. */
@EnableKubernetesMockClient(crud = true)
class ScheduleReverificationsTest {

  static KubernetesClient client;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
  private ScheduleCache cache;
  private ScheduleReverifications reverifications;

  @BeforeEach
  void start() {
    create("etcd-snapshot", null);
    create("daily", "etcd-snapshot-daily");
    cache = ScheduleCache.start(client, Set.of("rv"));
    reverifications = new ScheduleReverifications(cache, new StatusWriter(client), clock);
  }

  @AfterEach
  void stop() {
    cache.close();
    client.resources(EtcdSnapshotSchedule.class).inNamespace("rv").delete();
  }

  @Test
  void aCopyThatRottedMakesItsScheduleUnverifiedUntilThatCopyIsProvenAgain() {
    String file = "etcd-snapshot-daily-node-a-1780300000";
    reverifications.verdict(file, StorageKind.S3, new ReverifyVerdict(Outcome.MISMATCH, 0, 0,
        "content mismatch at revision 42"));
    Condition failed = verified("daily").orElseThrow();
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo("StoredCopyFailed");
    assertThat(failed.getMessage()).isEqualTo("Stored copy " + file
        + " (s3) failed re-verification: content mismatch at revision 42 (the copy is kept)");
    assertThat(verified("etcd-snapshot")).as("the longest prefix owns the file").isEmpty();

    clock.advance(java.time.Duration.ofHours(1));
    reverifications.verdict("etcd-snapshot-daily-node-a-1780400000", StorageKind.LOCAL,
        new ReverifyVerdict(Outcome.CONTENT_VERIFIED, 50, 7, "verified at revision 50"));
    assertThat(verified("daily").orElseThrow().getStatus()).as("another copy passing hides nothing")
        .isEqualTo("False");
    reverifications.verdict(file, StorageKind.LOCAL,
        new ReverifyVerdict(Outcome.CONTENT_VERIFIED, 42, 7, "verified at revision 42"));
    assertThat(verified("daily").orElseThrow().getStatus()).as("the local copy is not the S3 copy that failed")
        .isEqualTo("False");

    reverifications.verdict(file, StorageKind.S3,
        new ReverifyVerdict(Outcome.CONTENT_VERIFIED, 42, 7, "verified at revision 42"));
    Condition again = verified("daily").orElseThrow();
    assertThat(again.getStatus()).isEqualTo("True");
    assertThat(again.getMessage()).isEqualTo("Stored copy " + file + " (s3) re-verified: verified at revision 42");
  }

  @Test
  void verdictsThatProveNothingAndCopiesOfNoScheduleChangeNothing() {
    reverifications.verdict("etcd-snapshot-node-a-1780300000", StorageKind.LOCAL,
        new ReverifyVerdict(Outcome.NOT_CHECKED, 0, 0, "too large to inflate"));
    reverifications.verdict("etcd-snapshot-node-a-1780300000", StorageKind.LOCAL,
        new ReverifyVerdict(Outcome.CONTENT_VERIFIED, 9, 1, "verified at revision 9"));
    assertThat(verified("etcd-snapshot")).as("a pass never sets a condition a failure did not").isEmpty();
    reverifications.verdict("on-demand-node-a-1780300000", StorageKind.LOCAL,
        new ReverifyVerdict(Outcome.UNREADABLE, 0, 0, "truncated"));
    assertThat(verified("etcd-snapshot")).isEmpty();
    assertThat(verified("daily")).isEmpty();
  }

  private static Optional<Condition> verified(String name) {
    EtcdSnapshotSchedule s = client.resources(EtcdSnapshotSchedule.class).inNamespace("rv").withName(name).get();
    return s.getStatus() == null ? Optional.empty()
        : Conditions.find(s.getStatus().getConditions(), ScheduleConditions.VERIFIED);
  }

  private static void create(String name, String prefix) {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("0 * * * *");
    spec.setName(prefix);
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("rv").build());
    s.setSpec(spec);
    client.resource(s).create();
  }
}
