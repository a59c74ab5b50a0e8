package dev.etcdsnapshot.engine.file;

/** Snapshot-shaped test bytes for tests outside this package. */
public final class SnapshotIntegrityTestData {
  private SnapshotIntegrityTestData() {}

  /** A page-aligned random body of {@code pages} × 4 KiB and its SHA-256 trailer. */
  public static byte[] snapshotBytes(int pages) throws Exception {
    return SnapshotIntegrityTest.snapshotBytes(pages);
  }
}
