package dev.etcdsnapshot.operator.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.RetentionScope;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which local snapshots lack their S3 copy, and the bounded backoff of their retries. */
class PendingUploadsTest {

  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  static StoredSnapshot local(String name) {
    return snapshot(name, StorageKind.LOCAL);
  }

  static StoredSnapshot remote(String name) {
    return snapshot(name, StorageKind.S3);
  }

  static StoredSnapshot snapshot(String name, StorageKind kind) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d+)(\\.zip)?$").matcher(name);
    Instant at = m.find() ? Instant.ofEpochSecond(Long.parseLong(m.group(1))) : T0;
    return new StoredSnapshot(name, kind, kind == StorageKind.S3 ? "s3://b/" + name : "file:///d/" + name, 100, at,
        at, null, null, Map.of());
  }

  static List<String> names(List<StoredSnapshot> s) {
    return s.stream().map(StoredSnapshot::fileName).toList();
  }

  @Test
  void aLocalSnapshotOfTheScheduleAndNodeWithoutItsS3CopyIsPendingOldestFirst() {
    List<StoredSnapshot> local = List.of(local("etcd-snapshot-n1-300"), local("etcd-snapshot-n1-100.zip"),
        local("etcd-snapshot-n1-200"), local("etcd-snapshot-n2-150"), local("other-n1-250"),
        local("on-demand-n1-260"), local("etcd-snapshot-n1-x"));
    List<StoredSnapshot> remote = List.of(remote("etcd-snapshot-n1-200"));

    assertThat(names(PendingUploads.select(local, remote, "etcd-snapshot", "n1", 0, RetentionScope.NODE)))
        .as("another node's, another prefix's and foreign names are not ours to upload")
        .containsExactly("etcd-snapshot-n1-100.zip", "etcd-snapshot-n1-300");
  }

  @Test
  void onlySnapshotsInsideTheS3RetentionWindowArePending() {
    List<StoredSnapshot> local = List.of(local("etcd-snapshot-n1-100"), local("etcd-snapshot-n1-200"),
        local("etcd-snapshot-n1-300"), local("etcd-snapshot-n1-400"));
    List<StoredSnapshot> remote = List.of(remote("etcd-snapshot-n1-350"), remote("etcd-snapshot-n1-400"),
        remote("etcd-snapshot-n2-500"), remote("etcd-snapshot-n2-600"));

    // Node scope, keep 3: 400 (there), 350 (there), 300 (missing) are the newest three of n1; 200 and 100 would be
    // pruned at once.
    assertThat(names(PendingUploads.select(local, remote, "etcd-snapshot", "n1", 3, RetentionScope.NODE)))
        .containsExactly("etcd-snapshot-n1-300");
    // Cluster scope counts n2's objects too: the newest three are 600, 500, 400, so nothing of n1 is worth it.
    assertThat(PendingUploads.select(local, remote, "etcd-snapshot", "n1", 3, RetentionScope.CLUSTER)).isEmpty();
    // Everything is uploaded: nothing pending.
    assertThat(PendingUploads.select(local, local.stream().map(s -> remote(s.fileName())).toList(),
        "etcd-snapshot", "n1", 0, RetentionScope.NODE)).isEmpty();
  }

  @Test
  void retriesStartAfterTheFirstDelayAndBackOffDoublingUpToTheBound() {
    MutableClock clock = new MutableClock(T0);
    PendingUploads uploads = new PendingUploads(clock, Duration.ofSeconds(30), Duration.ofMinutes(4));
    List<StoredSnapshot> pending = List.of(local("etcd-snapshot-n1-100"));

    assertThat(uploads.due(pending)).as("the upload just failed: not at once").isEmpty();
    assertThat(uploads.nextAttempt()).contains(T0.plusSeconds(30));
    clock.advance(Duration.ofSeconds(30));
    assertThat(uploads.due(pending)).containsExactly("etcd-snapshot-n1-100");

    // Each failure doubles the wait: 60 s, 120 s, 240 s, then the bound, 240 s, for ever.
    long[] waits = {60, 120, 240, 240, 240};
    for (long wait : waits) {
      uploads.failed("etcd-snapshot-n1-100");
      assertThat(uploads.nextAttempt()).contains(clock.instant().plusSeconds(wait));
      clock.advance(Duration.ofSeconds(wait - 1));
      assertThat(uploads.due(pending)).as("not before %d s", wait).isEmpty();
      clock.advance(Duration.ofSeconds(1));
      assertThat(uploads.due(pending)).containsExactly("etcd-snapshot-n1-100");
    }
  }

  @Test
  void aSnapshotThatIsUploadedOrNoLongerPendingIsForgotten() {
    MutableClock clock = new MutableClock(T0);
    PendingUploads uploads = new PendingUploads(clock);
    StoredSnapshot a = local("etcd-snapshot-n1-100");
    StoredSnapshot b = local("etcd-snapshot-n1-200");
    uploads.due(List.of(a, b));
    uploads.failed(a.fileName());
    uploads.succeeded(b.fileName());
    assertThat(uploads.nextAttempt()).contains(T0.plus(uploads.backoff(1)));

    // Retention dropped a (outside both windows): it is no longer pending, and nothing is left to try.
    assertThat(uploads.due(List.of())).isEmpty();
    assertThat(uploads.nextAttempt()).isEmpty();
    // Seen again later (e.g. its copy vanished): it starts over from the first delay.
    clock.advance(Duration.ofHours(1));
    uploads.due(List.of(a));
    assertThat(uploads.nextAttempt()).contains(clock.instant().plus(PendingUploads.FIRST_RETRY));
  }

  @Test
  void theBackoffMustBeBounded() {
    MutableClock clock = new MutableClock(T0);
    assertThatThrownBy(() -> new PendingUploads(clock, Duration.ZERO, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PendingUploads(clock, Duration.ofMinutes(2), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
