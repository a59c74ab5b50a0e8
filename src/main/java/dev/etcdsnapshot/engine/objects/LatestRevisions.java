package dev.etcdsnapshot.engine.objects;

import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The state of the keys at the snapshot's revision, folded from every stored revision: per key its newest
 * revision, and the key is absent when that newest revision is a tombstone. The fold does not depend on the order
 * revisions arrive in. Only the selected keys are held, each with its value only when asked for (otherwise a
 * SHA-256 of it), so folding a large snapshot holds key → (revision, digest), not the values.
 */
public final class LatestRevisions {

  /**
   * A key's newest revision.
   *
   * @param revision main revision of the newest write
   * @param subRevision its sub-revision within that transaction
   * @param createRevision the key's create revision (etcd's)
   * @param version the key's version (writes since creation)
   * @param value the stored value, or null when it was not kept
   * @param digest SHA-256 of the value
   */
  public record Latest(long revision, long subRevision, long createRevision, long version, byte[] value,
      byte[] digest) {}

  private LatestRevisions() {}

  /**
   * Folds {@code source}.
   *
   * @param prefix only keys starting with it are looked at (a byte comparison, before any decoding)
   * @param select of those, the keys to hold
   * @param keepValue of those, the keys whose value is kept (the others keep only the digest)
   * @return the live keys in key order
   */
  public static SortedMap<String, Latest> fold(KeyRevisions source, String prefix, Predicate<String> select,
      Predicate<String> keepValue) throws IOException {
    byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
    Map<String, Entry> newest = new HashMap<>();
    MessageDigest sha = sha256();
    source.forEach(r -> {
      byte[] keyBytes = r.key();
      if (keyBytes.length < prefixBytes.length
          || !Arrays.equals(keyBytes, 0, prefixBytes.length, prefixBytes, 0, prefixBytes.length)) {
        return;
      }
      long main = r.main();
      long sub = r.sub();
      String key = new String(keyBytes, StandardCharsets.UTF_8);
      Entry known = newest.get(key);
      if (known != null && !known.olderThan(main, sub)) {
        return;
      }
      if (known == null && !select.test(key)) {
        return;
      }
      newest.put(key, r.tombstone() ? Entry.tombstone(main, sub)
          : Entry.of(main, sub, r.keyValue(), keepValue.test(key), sha));
    });
    SortedMap<String, Latest> live = new TreeMap<>();
    newest.forEach((key, e) -> {
      if (!e.tombstone) {
        live.put(key, new Latest(e.main, e.sub, e.createRevision, e.version, e.value, e.digest));
      }
    });
    return live;
  }

  private record Entry(long main, long sub, boolean tombstone, long createRevision, long version, byte[] value,
      byte[] digest) {

    static Entry tombstone(long main, long sub) {
      return new Entry(main, sub, true, 0, 0, null, null);
    }

    static Entry of(long main, long sub, KeyValue kv, boolean keep, MessageDigest sha) {
      sha.update(kv.getValue().asReadOnlyByteBuffer());
      byte[] digest = sha.digest();
      return new Entry(main, sub, false, kv.getCreateRevision(), kv.getVersion(),
          keep ? kv.getValue().toByteArray() : null, digest);
    }

    boolean olderThan(long otherMain, long otherSub) {
      return main < otherMain || (main == otherMain && sub < otherSub);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
