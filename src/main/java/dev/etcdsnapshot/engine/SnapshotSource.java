package dev.etcdsnapshot.engine;

import java.io.IOException;
import java.io.OutputStream;

/** Where snapshot bytes come from: one etcd member's {@code Maintenance.Snapshot} stream. */
public interface SnapshotSource {

  /**
   * Streams one whole snapshot into {@code out}, with a fixed-size buffer, and returns the bytes written. Does not
   * close {@code out}.
   *
   * @throws IOException with one clear line when the member is unreachable, a learner, or the stream breaks
   */
  long writeTo(OutputStream out) throws IOException;

  /** What the source is, for messages: e.g. the endpoint. */
  String describe();
}
