package dev.etcdsnapshot.storage;

/** Where a snapshot lives; the value is the prefix k3s uses for object names and legacy keys. */
public enum StorageKind {
  LOCAL("local"),
  S3("s3");

  private final String prefix;

  StorageKind(String prefix) {
    this.prefix = prefix;
  }

  /** {@code local} or {@code s3}, as in {@code local-<name>-<hash>} object names. */
  public String prefix() {
    return prefix;
  }
}
