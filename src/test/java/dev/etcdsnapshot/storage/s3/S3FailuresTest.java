package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redaction cuts credentials out of error text and leaves the rest of the words as they were. */
class S3FailuresTest {

  private static S3Failures failures(String access, String secret) {
    return new S3Failures(S3Settings.fromSecret(Map.of("etcd-s3-bucket", "snapshots",
        "etcd-s3-access-key", access, "etcd-s3-secret-key", secret)));
  }

  @Test
  void aShortCredentialIsCutWhereItStandsButWordsThatContainItStayWhole() {
    S3Failures f = failures("admin", "minio123");
    assertThat(f.scrub("AccessDenied: user admin (administrator group) signed with minio123 at minio1234.local"))
        .isEqualTo("AccessDenied: user <redacted> (administrator group) signed with <redacted> at minio1234.local");
  }

  @Test
  void aCredentialBetweenPunctuationIsCutAndNoPieceOfALongerOneIsLeft() {
    S3Failures f = failures("AKIAEXAMPLE", "AKIAEXAMPLE/sEcReT+kEy");
    assertThat(f.scrub("Credential=AKIAEXAMPLE/20261203/us-east-1, secret 'AKIAEXAMPLE/sEcReT+kEy'"))
        .isEqualTo("Credential=<redacted>/20261203/us-east-1, secret '<redacted>'")
        .doesNotContain("sEcReT");
  }
}
