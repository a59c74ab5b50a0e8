package dev.etcdsnapshot.engine.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.SaveRequest;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A three-member cluster: every member can be snapshotted on its own; a learner cannot. */
class EtcdClusterSnapshotIT {

  private static EtcdCluster etcd;

  @TempDir Path tmp;

  @BeforeAll
  static void startCluster() throws Exception {
    etcd = EtcdCluster.start(3);
    etcd.loadKeys(300, 1024);
  }

  @AfterAll
  static void stopCluster() {
    if (etcd != null) {
      etcd.close();
    }
  }

  private SaveResult save(EtcdProcess member, Path dir) {
    LocalSnapshotStore store = new LocalSnapshotStore(dir, false, member.name(), SnapshotNames::parseTimestamp);
    try (EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(member.clientUrl()))) {
      return new SnapshotEngine(store, source, Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC))
          .save(SaveRequest.of("etcd-snapshot"));
    }
  }

  @Test
  void eachMemberIsSnapshottedIntoItsOwnFileWithAValidTrailer() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("shared"));
    for (EtcdProcess member : etcd.members().subList(0, 3)) {
      SaveResult result = save(member, dir);
      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      assertThat(result.fileName()).isEqualTo("etcd-snapshot-" + member.name() + "-1700000000");
      assertThat(SnapshotIntegrity.verify(dir.resolve(result.fileName())).ok()).isTrue();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("etcd-snapshot-m0-1700000000", "etcd-snapshot-m1-1700000000",
              "etcd-snapshot-m2-1700000000");
    }
  }

  @Test
  void aLearnerIsRefusedWithAClearMessage() throws Exception {
    EtcdProcess learner = etcd.addLearner();
    Path dir = Files.createDirectory(tmp.resolve("learner"));

    SaveResult result = save(learner, dir);

    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo(Stage.SAVE);
      assertThat(f.message()).isEqualTo("failed to save snapshot etcd-snapshot-" + learner.name() + "-1700000000: "
          + "etcd at " + learner.clientUrl() + " is a learner member; a snapshot must be taken from a voting member");
    });
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
