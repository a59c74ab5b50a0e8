package dev.etcdsnapshot.engine;

import java.io.IOException;

/** A live etcd member's {@code HashKV}: the engine's view of it, so the content proof needs no etcd client types. */
public interface MemberKvHash {

  /**
   * The member's KV hash at {@code revision} and its compaction revision.
   *
   * @throws Compacted when the member has compacted at or past {@code revision}
   * @throws IOException when the member cannot be asked (unreachable, timeout, refused)
   */
  Answer hashKv(long revision) throws IOException;

  /** What {@code describe()} of a snapshot source says: which member answered. */
  String describe();

  /** The member's answer. */
  record Answer(int hash, long compactRevision) {}

  /** The member has compacted the revision away: the snapshot can no longer be compared with it. */
  final class Compacted extends IOException {
    private static final long serialVersionUID = 1L;
    private final long compactRevision;

    /** {@code compactRevision} is the member's, or -1 when it did not say. */
    public Compacted(String message, long compactRevision) {
      super(message);
      this.compactRevision = compactRevision;
    }

    /** The member's compaction revision, -1 when unknown. */
    public long compactRevision() {
      return compactRevision;
    }
  }
}
