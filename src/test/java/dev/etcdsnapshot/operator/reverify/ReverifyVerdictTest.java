package dev.etcdsnapshot.operator.reverify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.SnapshotLabels;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReverifyVerdictTest {

  static final Instant NOW = Instant.parse("2026-06-10T12:00:00.789Z");

  @Test
  void aContentProofMovesVerifiedAtAndClearsAnEarlierFailure() {
    ReverifyVerdict v = ReverifyVerdict.verified(42, 0x1234abcd, "content re-verified");

    assertThat(v.failed()).isFalse();
    assertThat(v.annotationsToSet(NOW)).isEqualTo(Map.of(SnapshotLabels.VERIFIED_AT_ANNOTATION,
        "2026-06-10T12:00:00Z"));
    assertThat(v.annotationsToRemove()).containsExactly(SnapshotLabels.VERIFY_FAILED_ANNOTATION);
  }

  @Test
  void aMismatchOrUnreadableCopyIsAFailureThatSaysWhat() {
    for (ReverifyVerdict v : new ReverifyVerdict[] {ReverifyVerdict.mismatch("content mismatch at revision 9"),
        ReverifyVerdict.unreadable("the copy is corrupt: sha256 differs")}) {
      assertThat(v.failed()).isTrue();
      assertThat(v.contentVerified()).isFalse();
      assertThat(v.annotationsToSet(NOW)).isEqualTo(Map.of(SnapshotLabels.VERIFY_FAILED_ANNOTATION, v.message()));
      assertThat(v.annotationsToRemove()).isEmpty();
    }
  }

  @Test
  void aTrailerOnlyPassIsNoContentProofAndANotCheckedCopyChangesNothing() {
    ReverifyVerdict trailer = ReverifyVerdict.trailerOnly("structure and SHA-256 trailer intact; no kv-hash");
    assertThat(trailer.failed()).isFalse();
    assertThat(trailer.contentVerified()).isFalse();
    assertThat(trailer.annotationsToSet(NOW)).isEmpty();
    assertThat(trailer.annotationsToRemove()).containsExactly(SnapshotLabels.VERIFY_FAILED_ANNOTATION);

    ReverifyVerdict skipped = ReverifyVerdict.notChecked("not re-verified: a save is running");
    assertThat(skipped.failed()).isFalse();
    assertThat(skipped.annotationsToSet(NOW)).isEmpty();
    assertThat(skipped.annotationsToRemove()).isEmpty();
  }

  @Test
  void recordedAnnotationsParseStrictly() {
    assertThat(StoredCopyVerifier.parseHash("3f1a9c07")).hasValue(0x3f1a9c07);
    assertThat(StoredCopyVerifier.parseHash("ffffffff")).hasValue(-1);
    assertThat(StoredCopyVerifier.parseHash("3f1a9c0")).isEmpty();
    assertThat(StoredCopyVerifier.parseHash(null)).isEmpty();
    assertThat(StoredCopyVerifier.parseRevision("48213")).hasValue(48213);
    assertThat(StoredCopyVerifier.parseRevision("-1")).isEmpty();
    assertThat(StoredCopyVerifier.parseRevision("99999999999999999999")).isEmpty();
  }
}
