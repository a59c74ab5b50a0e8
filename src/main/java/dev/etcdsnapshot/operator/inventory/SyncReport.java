package dev.etcdsnapshot.operator.inventory;

/**
 * What one sync or save record did to the ETCDSnapshotFile objects.
 *
 * @param created objects created (each with its Created or Failed Event)
 * @param updated objects whose spec, status, labels, annotations or finalizer had to change
 * @param deleted objects removed because their snapshot is gone or pruned, or their failure record expired
 * @param unchanged objects already right, left alone
 * @param kept objects with no snapshot behind them kept for now: failure records younger than 24 hours, S3 objects
 *     younger than the 1 minute grace, objects being deleted
 */
public record SyncReport(int created, int updated, int deleted, int unchanged, int kept) {

  /** Nothing done. */
  public static final SyncReport EMPTY = new SyncReport(0, 0, 0, 0, 0);

  /** The sum of two reports. */
  public SyncReport plus(SyncReport other) {
    return new SyncReport(
        created + other.created,
        updated + other.updated,
        deleted + other.deleted,
        unchanged + other.unchanged,
        kept + other.kept);
  }
}
