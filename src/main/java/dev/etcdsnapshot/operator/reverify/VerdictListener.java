package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.storage.StorageKind;

/** Told of every re-verification verdict a round reaches, after the copy's own object has recorded it. */
@FunctionalInterface
public interface VerdictListener {

  /** Nobody listens. */
  VerdictListener NONE = (fileName, kind, verdict) -> { };

  /**
   * @param fileName the snapshot's file name
   * @param kind which copy was re-verified
   * @param verdict what was found
   */
  void verdict(String fileName, StorageKind kind, ReverifyVerdict verdict);
}
