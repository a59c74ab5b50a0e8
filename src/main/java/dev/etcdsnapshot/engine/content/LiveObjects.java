package dev.etcdsnapshot.engine.content;

import java.util.Iterator;
import java.util.Map;

/**
 * The key bucket's second reading for {@code inspect}, run beside the structure walk on its own thread: the
 * snapshot's revision, the etcd keys alive at it and the live Kubernetes objects. It needs each revision's key only
 * (at the head of its value), not the rest of the value that the walk hashes, and nothing it computes depends on
 * the walk's order-dependent CRC, so the two readings of the file (each through its own reader) proceed on two cores
 * at once.
 */
final class LiveObjects implements Runnable {

  private final SnapshotContent content;
  private final KeyTable live = new KeyTable();
  private final Inventory objects = new Inventory();
  private volatile boolean cancelled;
  private long revision;
  private long liveKeys;
  private RuntimeException failure;

  LiveObjects(SnapshotContent content) {
    this.content = content;
  }

  @Override
  public void run() {
    try {
      for (Iterator<KeyRevision> it = content.revisions(); it.hasNext() && !cancelled; ) {
        KeyRevision r = it.next();
        revision = r.main();
        liveKeys += count(r);
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Runs on a new thread, {@link #await}ed by the caller after its own pass. */
  Thread start() {
    Thread thread = new Thread(this, "snapshot-live-objects");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Waits for the thread; rethrows what stopped it (a corrupt page, a revision that is not one). */
  void await(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      cancelled = true;
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the snapshot", e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the reading early (the caller's own pass failed) and waits for it; what it found is dropped. */
  void cancel(Thread thread) {
    cancelled = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** +1 when the revision brings a key to life, -1 when it deletes a live one, and the inventory to match. */
  private int count(KeyRevision r) {
    long key = r.keyFingerprint();
    boolean wasLive = live.get(key) == 1;
    if (r.tombstone() == !wasLive) {
      return 0; // an update of a live key, or a deletion of a dead one
    }
    live.put(key, r.tombstone() ? 0 : 1);
    int delta = r.tombstone() ? -1 : 1;
    objects.add(r, delta);
    return delta;
  }

  /** The main revision of the key bucket's last entry (0 when empty). */
  long revision() {
    return revision;
  }

  long liveKeys() {
    return liveKeys;
  }

  Map<String, Map<String, Long>> objects() {
    return objects.objects();
  }
}
