package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.engine.content.KvHash;
import dev.etcdsnapshot.engine.content.SnapshotContent;
import dev.etcdsnapshot.engine.content.SnapshotFormatException;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Re-verifies a stored copy without the live member (whose {@code HashKV} at an old revision is usually compacted
 * away by then): the structure and the SHA-256 trailer, then etcd's KV hash of the copy at its recorded revision
 * against the {@code kv-hash} proven at save time. A copy with no recorded hash gets the first two checks only.
 */
public final class StoredCopyVerifier {

  private final Path tempDir;
  private final long maxInflatedBytes;

  /** Zipped copies are inflated into {@code tempDir}, at most {@code maxInflatedBytes} (ContentVerifier's limit). */
  public StoredCopyVerifier(Path tempDir, long maxInflatedBytes) {
    this.tempDir = tempDir;
    this.maxInflatedBytes = maxInflatedBytes;
  }

  /**
   * What was recorded when the copy was proven at save time.
   *
   * @param revision the {@code revision} annotation
   * @param kvHash the {@code kv-hash} annotation (8 hex digits), empty when none was proven
   * @param compactRevision the member's compaction revision that hash honoured; empty for objects annotated
   *     before it was recorded (the copy's own {@code meta} bucket compaction revision is used then)
   */
  public record Recorded(OptionalLong revision, OptionalInt kvHash, OptionalLong compactRevision) {

    /** Nothing recorded: structure and trailer only. */
    public static Recorded none() {
      return new Recorded(OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty());
    }
  }

  /** The verdict on {@code copy} (raw or zipped); never throws for a bad file. */
  public ReverifyVerdict verify(Path copy, Recorded recorded) {
    try (SnapshotContent content = SnapshotContent.open(copy, tempDir, maxInflatedBytes)) {
      IntegrityReport trailer = content.trailer();
      if (!trailer.ok()) {
        return ReverifyVerdict.unreadable("the copy is corrupt: " + trailer.describe());
      }
      long at = recorded.revision().orElse(Long.MAX_VALUE);
      KvHash kv = KvHash.index(content, at); // the structure check: walks every bucket's pages
      if (recorded.kvHash().isEmpty() || recorded.revision().isEmpty()) {
        return ReverifyVerdict.trailerOnly("structure and SHA-256 trailer intact; no kv-hash was proven at save "
            + "time (verify: trailer, or saved by k3s), so the content is not checked");
      }
      if (kv.revision() != at) {
        return ReverifyVerdict.mismatch("content mismatch: the copy holds no revision " + at + " (its newest at or "
            + "below it is " + kv.revision() + ")");
      }
      long compact = recorded.compactRevision().orElse(content.etcdMeta().compactRevision());
      int hash = kv.hash(compact);
      int expected = recorded.kvHash().getAsInt();
      if (hash != expected) {
        return ReverifyVerdict.mismatch("content mismatch at revision " + at + ": the copy's KV hash is "
            + hex(hash) + " but " + hex(expected) + " was proven at save time");
      }
      return ReverifyVerdict.verified(at, hash, "content re-verified at revision " + at + ": KV hash " + hex(hash)
          + " equals the one proven at save time");
    } catch (SnapshotContent.TooLarge e) {
      return ReverifyVerdict.notChecked("not re-verified: " + e.getMessage());
    } catch (SnapshotFormatException e) {
      return ReverifyVerdict.unreadable(e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      return ReverifyVerdict.unreadable("cannot read " + copy.getFileName() + ": " + e.getMessage());
    }
  }

  /** The {@code kv-hash} annotation as a hash, empty when absent or not 8 hex digits. */
  public static OptionalInt parseHash(String annotation) {
    if (annotation == null || !annotation.matches("[0-9a-fA-F]{8}")) {
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) Long.parseLong(annotation, 16));
  }

  /** A revision annotation as a number, empty when absent or not a positive number. */
  public static OptionalLong parseRevision(String annotation) {
    if (annotation == null || !annotation.matches("[0-9]{1,19}")) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(annotation));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String hex(int hash) {
    return String.format("%08x", hash);
  }
}
