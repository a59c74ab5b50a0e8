package dev.etcdsnapshot.storage.s3;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists a folder: its direct children are the snapshots (k3s lists recursively, so with an empty folder it would
 * take a whole bucket's objects for snapshots and then fail to delete the nested ones under their base name);
 * sidecars are the direct children of {@code <folder>/.metadata/}; size-0 objects are skipped.
 *
 * <p>{@link #list()} costs the LIST pages alone (1,000 objects a page). {@link #listDetailed()} adds what only
 * each object's user metadata says (uploader, token hash) and the sidecars' content: one HEAD per object and one
 * GET per sidecar — but object versions are immutable (a rewrite gets a new ETag), so answers are cached by
 * endpoint, bucket, key and ETag for the whole process and only versions not seen before cost a request,
 * whichever store instance lists; uploads prime the cache.
 */
final class S3Listing {

  private static final Logger LOG = LoggerFactory.getLogger(S3Listing.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DELIMITER = "/";

  /** What a HEAD tells about one object version. */
  record Facts(String nodeName, String tokenHash) {}

  private final S3Client s3;
  private final String bucket;
  private final String folder;
  private final String metadataPrefix;
  private final S3Failures failures;
  private final ExecutorService workers;
  /** Enough for 20 folders of 10,000 snapshots; an entry is a few hundred bytes. */
  private static final ObjectCache<Facts> HEADS = new ObjectCache<>(200_000);
  private static final ObjectCache<Map<String, String>> SIDECARS = new ObjectCache<>(50_000);

  private final String endpoint;

  S3Listing(S3Client s3, String endpoint, String bucket, String folder, String metadataPrefix, S3Failures failures,
      ExecutorService workers) {
    this.s3 = s3;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.folder = folder;
    this.metadataPrefix = metadataPrefix.toLowerCase(Locale.ROOT);
    this.failures = failures;
    this.workers = workers;
  }

  /** The folder's snapshots without uploader, token hash or extra metadata: the LIST pages only. */
  List<StoredSnapshot> list() throws IOException {
    List<StoredSnapshot> out = new ArrayList<>();
    for (S3Object o : children(SnapshotLayout.s3Prefix(folder)).objects()) {
      out.add(snapshot(o, null, Map.of()));
    }
    return out;
  }

  /** The folder's snapshots with what their user metadata and sidecars say. */
  List<StoredSnapshot> listDetailed() throws IOException {
    Children children = children(SnapshotLayout.s3Prefix(folder));
    Map<String, S3Object> sidecars = new HashMap<>();
    String metadataDir = SnapshotLayout.s3Prefix(SnapshotLayout.s3Key(folder, SnapshotLayout.METADATA_DIR));
    if (children.prefixes().contains(metadataDir)) {
      children(metadataDir).objects().forEach(o -> sidecars.put(o.key(), o));
    }
    Map<String, Facts> facts = headAll(children.objects());
    List<StoredSnapshot> out = new ArrayList<>(children.objects().size());
    for (S3Object o : children.objects()) {
      S3Object side = sidecars.get(SnapshotLayout.s3MetadataKey(folder, SnapshotLayout.s3FileName(o.key())));
      out.add(snapshot(o, facts.get(cacheKey(o.key(), o.eTag())), side == null ? Map.of() : sidecar(side)));
    }
    return out;
  }

  private StoredSnapshot snapshot(S3Object o, Facts facts, Map<String, String> extra) {
    String fileName = SnapshotLayout.s3FileName(o.key());
    return new StoredSnapshot(fileName, StorageKind.S3, SnapshotLayout.s3Location(bucket, o.key()), o.size(),
        nameTime(fileName).orElse(o.lastModified()), o.lastModified(),
        facts == null ? null : facts.nodeName(), facts == null ? null : facts.tokenHash(), extra);
  }

  /** The non-empty objects directly under {@code prefix}, and the "sub-folders" there. */
  private record Children(List<S3Object> objects, Set<String> prefixes) {}

  private Children children(String prefix) throws IOException {
    List<S3Object> objects = new ArrayList<>();
    Set<String> prefixes = new HashSet<>();
    try {
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)
          .delimiter(DELIMITER))) {
        page.contents().stream().filter(o -> o.size() != null && o.size() > 0).forEach(objects::add);
        page.commonPrefixes().forEach(p -> prefixes.add(p.prefix()));
      }
    } catch (RuntimeException e) {
      throw failures.io("failed to list bucket " + bucket + " folder '" + folder + "'", e);
    }
    return new Children(objects, prefixes);
  }

  /** Records what this store just uploaded, so listing it later costs no HEAD. */
  void remember(String key, String eTag, Facts facts) {
    HEADS.put(cacheKey(key, eTag), facts);
  }

  Facts facts(Map<String, String> userMetadata) {
    Map<String, String> m = new HashMap<>();
    userMetadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    return new Facts(blankToNull(m.get(metadataPrefix + "-node-name")),
        blankToNull(m.get(metadataPrefix + "-token-hash")));
  }

  private Map<String, Facts> headAll(List<S3Object> objects) throws IOException {
    Map<String, Facts> out = new HashMap<>();
    Map<String, Future<Facts>> pending = new HashMap<>();
    for (S3Object o : objects) {
      String ck = cacheKey(o.key(), o.eTag());
      Facts known = HEADS.get(ck);
      if (known != null) {
        out.put(ck, known);
      } else if (!pending.containsKey(ck)) {
        pending.put(ck, workers.submit(() -> head(o.key())));
      }
    }
    try {
      for (Map.Entry<String, Future<Facts>> e : pending.entrySet()) {
        Facts f = e.getValue().get();
        if (f != null) { // null: that HEAD failed; not cached, so the next listing asks again
          HEADS.put(e.getKey(), f);
          out.put(e.getKey(), f);
        }
      }
    } catch (InterruptedException e) {
      pending.values().forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("listing bucket " + bucket + " was interrupted");
    } catch (ExecutionException e) {
      pending.values().forEach(f -> f.cancel(true));
      throw failures.io("failed to read object metadata in bucket " + bucket, e.getCause());
    }
    return out;
  }

  /**
   * One object's user metadata, or {@code null} when its HEAD failed: as k3s (pkg/etcd/s3/s3.go ListSnapshots warns
   * {@code Failed to get object metadata} and keeps the listed object), one unreadable object does not cost the
   * whole listing; it is listed without uploader and token hash.
   */
  private Facts head(String key) {
    try {
      HeadObjectResponse r = s3.headObject(h -> h.bucket(bucket).key(key));
      return facts(r.metadata());
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        return new Facts(null, null); // deleted between LIST and HEAD; the next listing drops it
      }
      LOG.warn("Failed to get object metadata of s3://{}/{}: {}", bucket, key, failures.reason(e));
      return null;
    }
  }

  private Map<String, String> sidecar(S3Object side) {
    String ck = cacheKey(side.key(), side.eTag());
    Map<String, String> known = SIDECARS.get(ck);
    if (known != null) {
      return known;
    }
    Map<String, String> parsed;
    try {
      byte[] bytes = s3.getObjectAsBytes(g -> g.bucket(bucket).key(side.key())).asByteArray();
      parsed = Map.copyOf(JSON.readValue(bytes, new TypeReference<Map<String, String>>() {}));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Ignoring unreadable snapshot metadata {} in bucket {}: {}", side.key(), bucket,
          failures.reason(e));
      parsed = Map.of();
    }
    SIDECARS.put(ck, parsed);
    return parsed;
  }

  private String cacheKey(String key, String eTag) {
    return ObjectCache.key(endpoint, bucket, key, eTag, metadataPrefix);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The time in a k3s snapshot name ({@code <name>-<node>-<unix seconds>[.zip]}), if it has one. */
  static Optional<Instant> nameTime(String fileName) {
    String base = fileName.endsWith(SnapshotLayout.ZIP_SUFFIX)
        ? fileName.substring(0, fileName.length() - SnapshotLayout.ZIP_SUFFIX.length()) : fileName;
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(base.substring(base.lastIndexOf('-') + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
