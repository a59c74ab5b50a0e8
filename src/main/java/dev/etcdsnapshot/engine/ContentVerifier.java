package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.content.KvHash;
import dev.etcdsnapshot.engine.content.SnapshotContent;
import dev.etcdsnapshot.engine.content.SnapshotFormatException;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Proves a snapshot's content against its live member: the file's structure and trailer, then etcd's KV hash of
 * the file at its revision (honouring the compaction revision the member reports) against the member's
 * {@code HashKV} at that revision.
 */
public final class ContentVerifier {

  /** Asks members for their HashKV while a proof walks the file; daemon threads, gone when idle. */
  private static final ExecutorService ASKER = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "content-proof-hashkv");
    thread.setDaemon(true);
    return thread;
  });

  private final Clock clock;
  private final Path tempDir;
  private final long maxInflatedBytes;

  /** {@code tempDir} receives the inflated copy of a zipped snapshot while it is read. */
  public ContentVerifier(Clock clock, Path tempDir) {
    this(clock, tempDir, Long.MAX_VALUE);
  }

  /**
   * As above, inflating at most {@code maxInflatedBytes} into {@code tempDir}; a larger zipped snapshot is not
   * proven ({@code UNAVAILABLE}) rather than filling a bounded volume.
   */
  public ContentVerifier(Clock clock, Path tempDir, long maxInflatedBytes) {
    this.clock = clock;
    this.tempDir = tempDir;
    this.maxInflatedBytes = maxInflatedBytes;
  }

  /** The verdict on {@code snapshot} (raw or zipped); never throws for a bad file or an unreachable member. */
  public ContentProof prove(Path snapshot, MemberKvHash member) {
    return prove(snapshot, member, true);
  }

  /**
   * The verdict on a snapshot the engine has just saved: its SHA-256 trailer was checked as it was written
   * (before the rename), so it is not read a third time; the structure and the KV hash are.
   */
  public ContentProof proveSaved(Path snapshot, MemberKvHash member) {
    return prove(snapshot, member, false);
  }

  private ContentProof prove(Path snapshot, MemberKvHash member, boolean checkTrailer) {
    try (SnapshotContent content = SnapshotContent.open(snapshot, tempDir, maxInflatedBytes)) {
      IntegrityReport trailer = checkTrailer ? content.trailer() : null;
      if (trailer != null && !trailer.ok()) {
        return verdict(ContentProof.Outcome.UNREADABLE, 0, 0, 0, -1, "snapshot is corrupt: " + trailer.describe());
      }
      // The member computes its HashKV (a read of its whole key bucket) while this walks the file.
      long expected = content.lastRevision();
      Future<MemberKvHash.Answer> early = expected > 0 ? ASKER.submit(() -> member.hashKv(expected)) : null;
      KvHash kv;
      try {
        kv = KvHash.index(content); // walks every bucket: the structure check is the first pass
      } catch (RuntimeException e) {
        if (early != null) {
          early.cancel(true);
        }
        throw e;
      }
      long revision = kv.revision();
      if (revision == 0) {
        // An etcd that was never written to: a valid snapshot with nothing to compare (HashKV(0) would mean "now").
        return verdict(ContentProof.Outcome.UNAVAILABLE, 0, 0, 0, -1,
            "content not verified: the snapshot holds no key revisions (an etcd never written to)");
      }
      MemberKvHash.Answer answer;
      try {
        answer = early != null && revision == expected ? await(early) : member.hashKv(revision);
      } catch (MemberKvHash.Compacted e) {
        return verdict(ContentProof.Outcome.COMPACTED, revision, 0, 0, e.compactRevision(), "revision " + revision
            + " is compacted on " + member.describe() + (e.compactRevision() > 0 ? " (compacted at "
            + e.compactRevision() + ")" : "") + ": the member can no longer vouch for this snapshot's content");
      } catch (IOException e) {
        return verdict(ContentProof.Outcome.UNAVAILABLE, revision, 0, 0, -1, "content not verified: "
            + e.getMessage());
      }
      int hash = kv.hash(answer.compactRevision());
      if (hash == answer.hash()) {
        return verdict(ContentProof.Outcome.VERIFIED, revision, hash, answer.hash(), answer.compactRevision(),
            "content verified at revision " + revision + ": KV hash " + hex(hash) + " equals " + member.describe()
                + "'s");
      }
      return verdict(ContentProof.Outcome.MISMATCH, revision, hash, answer.hash(), answer.compactRevision(),
          "content mismatch at revision " + revision + ": the snapshot's KV hash is " + hex(hash) + " but "
              + member.describe() + " reports " + hex(answer.hash()) + " (compaction revision "
              + answer.compactRevision() + ")");
    } catch (SnapshotContent.TooLarge e) {
      return verdict(ContentProof.Outcome.UNAVAILABLE, 0, 0, 0, -1, "content not verified: " + e.getMessage());
    } catch (SnapshotFormatException e) {
      return verdict(ContentProof.Outcome.UNREADABLE, 0, 0, 0, -1, e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      return verdict(ContentProof.Outcome.UNREADABLE, 0, 0, 0, -1, "cannot read " + snapshot.getFileName() + ": "
          + e.getMessage());
    }
  }

  private static MemberKvHash.Answer await(Future<MemberKvHash.Answer> answer) throws IOException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(true);
      throw new IOException("interrupted while waiting for the member's HashKV", e);
    }
  }

  private ContentProof verdict(ContentProof.Outcome outcome, long revision, int snapshotHash, int memberHash,
      long compactRevision, String message) {
    return new ContentProof(outcome, revision, snapshotHash, memberHash, compactRevision, message, clock.instant());
  }

  private static String hex(int hash) {
    return String.format("%08x", hash);
  }
}
