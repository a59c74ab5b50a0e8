package dev.etcdsnapshot.operator.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The operator's S3 objects carry the user metadata keys of its flavour, as k3s's and RKE2's do (k3s-compat §0). */
class S3RemoteStoresIT {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Flavor.class)
  void uploadsCarryTheFlavoursMetadataKeys(Flavor flavor) throws Exception {
    try (S3Server server = S3Server.builder().start()) {
      server.createBucket("etcd");
      Path file = TestSnapshots.write(tmp.resolve("etcd-snapshot-n1-1796000000"), 4, 1);
      S3Source source = new S3Source(server.secret("etcd"), List.of(), Optional.of("etcd-s3"));
      RemoteStores.Opened opened = new S3RemoteStores(flavor).open(source);
      try (var store = opened.store()) {
        store.put(file, new SnapshotMetadata(file.getFileName().toString(), "n1", Instant.ofEpochSecond(1796000000),
            "cluster-uid", "0123456789ab", null, Map.of()));
      }
      Map<String, String> metadata = server.client().headObject(h -> h.bucket("etcd")
          .key("etcd-snapshot-n1-1796000000")).metadata();
      String p = flavor.program();
      assertThat(metadata).containsEntry(p + "-node-name", "n1").containsEntry(p + "-cluster-id", "cluster-uid")
          .containsEntry(p + "-token-hash", "0123456789ab");
    }
  }
}
