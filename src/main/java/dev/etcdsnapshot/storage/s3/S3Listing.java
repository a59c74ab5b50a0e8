package dev.etcdsnapshot.storage.s3;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists a folder with the uploader and token hash of every snapshot. Those live in each object's user metadata,
 * which a listing does not return, so each object needs one HEAD — but objects are immutable (a rewrite gets a
 * new ETag), so HEAD results are cached by endpoint, bucket, key and ETag for the whole process and only objects
 * not seen before cost a request. The same holds for metadata sidecars (one GET each, cached). A 10,000-object
 * folder thus costs 10 LIST pages and 10,000 HEADs the first time this process lists it, and 10 LIST pages plus
 * one HEAD per new object afterwards, whichever store instance lists; uploads prime the cache and cost nothing.
 */
final class S3Listing {

  private static final Logger LOG = LoggerFactory.getLogger(S3Listing.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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

  List<StoredSnapshot> list() throws IOException {
    List<S3Object> snapshots = new ArrayList<>();
    Map<String, S3Object> metadata = new HashMap<>();
    try {
      s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(SnapshotLayout.s3Prefix(folder))).contents()
          .forEach(o -> {
            if (SnapshotLayout.isS3MetadataKey(o.key())) {
              metadata.put(o.key(), o);
            } else if (o.size() != null && o.size() > 0) {
              snapshots.add(o);
            }
          });
    } catch (RuntimeException e) {
      throw failures.io("failed to list bucket " + bucket + " folder '" + folder + "'", e);
    }
    Map<String, Facts> facts = headAll(snapshots);
    List<StoredSnapshot> out = new ArrayList<>(snapshots.size());
    for (S3Object o : snapshots) {
      S3Object side = metadata.get(SnapshotLayout.s3MetadataKeyOf(o.key()));
      Map<String, String> extra = side == null ? Map.of() : sidecar(side);
      Facts f = facts.get(cacheKey(o.key(), o.eTag()));
      String fileName = SnapshotLayout.s3FileName(o.key());
      out.add(new StoredSnapshot(fileName, StorageKind.S3, SnapshotLayout.s3Location(bucket, o.key()), o.size(),
          S3SnapshotStore.nameTime(fileName).orElse(o.lastModified()), f.nodeName(), f.tokenHash(), extra));
    }
    return out;
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
        HEADS.put(e.getKey(), f);
        out.put(e.getKey(), f);
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

  private Facts head(String key) {
    try {
      HeadObjectResponse r = s3.headObject(h -> h.bucket(bucket).key(key));
      return facts(r.metadata());
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        return new Facts(null, null); // deleted between LIST and HEAD; the next listing drops it
      }
      throw e;
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

}
