package dev.etcdsnapshot.engine.file;

/**
 * What {@link SnapshotIntegrity} found in a snapshot: facts that do not depend on the etcd revision.
 *
 * @param size the bytes of the etcd snapshot itself (inside the zip for a compressed one), trailer included
 * @param hasTrailer whether the size satisfies {@code size % 512 == 32}, i.e. a SHA-256 trailer is present
 * @param expectedSha256 the trailer's hex value, or {@code null} without a trailer
 * @param actualSha256 hex SHA-256 of the bytes before the trailer, or {@code null} without a trailer
 */
public record IntegrityReport(long size, boolean hasTrailer, String expectedSha256, String actualSha256) {

  /** True when the trailer is present and matches the content. */
  public boolean ok() {
    return hasTrailer && expectedSha256.equals(actualSha256);
  }

  /** One line naming the problem as etcd's tools do, or {@code "sha256 OK"}. */
  public String describe() {
    if (!hasTrailer) {
      return "sha256 checksum not found [bytes: " + size + "]";
    }
    return ok() ? "sha256 OK" : "expected sha256 " + expectedSha256 + ", got " + actualSha256;
  }
}
