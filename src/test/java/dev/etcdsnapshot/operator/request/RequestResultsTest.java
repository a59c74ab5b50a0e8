package dev.etcdsnapshot.operator.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.RequestPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestResultsTest {

  static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");

  static EtcdSnapshotRequest request() {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").build());
    return r;
  }

  @Test
  void aSucceededNodeRecordsTheVerifiedRevisionAndKvHash() {
    ContentProof proof = new ContentProof(ContentProof.Outcome.VERIFIED, 48213, 0x3f1a9c07, 0x3f1a9c07, 40000,
        "content verified", AT);
    EtcdSnapshotRequest r = request();

    RequestResults.record(r, "n1", "pod-a", RequestPhase.SUCCEEDED, "snap", List.of("local-snap"), "",
        RequestResults.describeProof(Optional.of(proof), true));

    assertThat(RequestResults.result(r, "n1").orElseThrow().getContentProof())
        .isEqualTo("verified at revision 48213, kv hash 3f1a9c07");
  }

  @Test
  void anUnprovenSnapshotSaysWhy() {
    ContentProof compacted = new ContentProof(ContentProof.Outcome.COMPACTED, 12, 0, 0, 20,
        "revision 12 is compacted on member m", AT);

    assertThat(RequestResults.describeProof(Optional.of(compacted), true))
        .isEqualTo("not proven: revision 12 is compacted on member m");
    assertThat(RequestResults.describeProof(Optional.empty(), false)).isEqualTo("not proven: verify is trailer");
    assertThat(RequestResults.describeProof(Optional.empty(), true)).startsWith("not proven: ");
  }

  @Test
  void theOldRecordLeavesNoProof() {
    EtcdSnapshotRequest r = request();

    RequestResults.record(r, "n1", "pod-a", RequestPhase.FAILED, "", List.of(), "boom");

    assertThat(RequestResults.result(r, "n1").orElseThrow().getContentProof()).isNull();
    assertThat(RequestResults.result(r, "n1").orElseThrow().getMessage()).isEqualTo("boom");
  }
}
