package dev.etcdsnapshot.storage.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.PartCheck;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Snapshots in one S3 folder, laid out as k3s lays them out (k3s-compat §5.4): {@code <folder>/<file>} with
 * content type and user metadata {@code <flavour>-cluster-id}, {@code -node-name}, {@code -token-hash} (plus
 * {@code etcd-snapshot-sha256}), and a JSON sidecar {@code <folder>/.metadata/<file>} when there is extra
 * metadata. Thread-safe; keep one per settings and close it when the settings change.
 */
public final class S3SnapshotStore implements SnapshotStore {

  /** User metadata key of the hex SHA-256 of the uploaded bytes (ours; k3s sets no checksum). */
  public static final String SHA256_METADATA = "etcd-snapshot-sha256";

  private static final Logger LOG = LoggerFactory.getLogger(S3SnapshotStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Settings settings;
  private final String metadataPrefix;
  private final S3Client s3;
  private final ExecutorService workers;
  private final S3Failures failures;
  private final S3Uploader uploader;
  private final S3Listing listing;
  private final S3Downloads downloads;
  private final S3ReadBack readBack;
  private volatile boolean bucketChecked;

  S3SnapshotStore(S3StoreBuilder b) {
    this.settings = b.settings;
    this.metadataPrefix = b.metadataPrefix;
    this.failures = new S3Failures(settings);
    int threads = Math.max(b.partsInFlight, 8);
    this.s3 = S3ClientFactory.create(settings, threads * 2, b.interceptors, b.dnsResolver);
    this.workers = Executors.newFixedThreadPool(threads, daemonThreads());
    this.uploader = new S3Uploader(s3, settings.bucket(), failures, workers, b.partSize, b.multipartThreshold,
        b.partsInFlight, min(settings.timeout(), Duration.ofSeconds(30)), b.progressEvery);
    this.listing = new S3Listing(s3, settings.endpointUri().toString(), settings.bucket(), settings.folder(),
        metadataPrefix, failures, workers);
    this.downloads = new S3Downloads(s3, settings.bucket(), failures);
    this.readBack = new S3ReadBack(s3, settings.bucket());
  }

  /** A store with k3s metadata keys and default upload tuning. */
  public static S3SnapshotStore open(S3Settings settings) {
    return builder(settings).build();
  }

  public static S3StoreBuilder builder(S3Settings settings) {
    return new S3StoreBuilder(settings);
  }

  @Override
  public StorageKind kind() {
    return StorageKind.S3;
  }

  public S3Settings settings() {
    return settings;
  }

  @Override
  public String locationOf(String fileName) {
    return SnapshotLayout.s3Location(settings.bucket(), SnapshotLayout.s3Key(settings.folder(), fileName));
  }

  /**
   * Checks once per store that the bucket exists, with k3s's messages ({@code bucket <b> does not exist},
   * {@code failed to test for existence of bucket <b>: ...}). Called before the first upload.
   */
  public void checkBucket() throws IOException {
    if (bucketChecked) {
      return;
    }
    String b = settings.bucket();
    try {
      s3.headBucket(r -> r.bucket(b));
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        throw new IOException("bucket " + b + " does not exist");
      }
      throw failures.io("failed to test for existence of bucket " + b, e);
    }
    bucketChecked = true;
  }

  /**
   * The folder's direct children (not its sub-folders, see {@link S3Listing}) without uploader, token hash or extra
   * metadata: the LIST pages only, whatever the folder's size.
   */
  @Override
  public List<StoredSnapshot> list() throws IOException {
    return listing.list();
  }

  /** As {@link #list()}, with a HEAD per object and a GET per sidecar this process has not read before. */
  @Override
  public List<StoredSnapshot> listDetailed() throws IOException {
    return listing.listDetailed();
  }

  @Override
  public StoredSnapshot put(Path file, SnapshotMetadata md) throws IOException {
    checkBucket();
    String key = SnapshotLayout.s3Key(settings.folder(), md.fileName());
    long size = Files.size(file);
    Map<String, String> userMetadata = userMetadata(md);
    String sha = md.sha256() != null ? md.sha256() : S3ReadBack.sha256(file);
    Map<String, String> snapshotMetadata = new LinkedHashMap<>(userMetadata);
    snapshotMetadata.put(SHA256_METADATA, sha);
    long started = System.nanoTime();
    // A full-object SHA-256 the store checks on arrival and returns on HEAD; only where checksums are wanted (AWS),
    // since a store that does not know the header may refuse the request.
    String checksum = settings.checksum() == ChecksumPolicy.WHEN_SUPPORTED
        ? Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)) : null;
    String eTag = uploader.upload(key, file, size, contentType(key), snapshotMetadata, checksum);
    requireReadBack(key, file, size, sha);
    if (!md.extra().isEmpty()) {
      putSidecar(key, md, userMetadata);
    }
    listing.remember(key, eTag, listing.facts(userMetadata));
    LOG.info("Uploaded snapshot {} to s3://{}/{} ({} bytes in {} ms)", md.fileName(), settings.bucket(), key, size,
        (System.nanoTime() - started) / 1_000_000);
    return new StoredSnapshot(md.fileName(), StorageKind.S3, SnapshotLayout.s3Location(settings.bucket(), key),
        size, md.createdAt(), md.nodeName(), md.tokenHash(), md.extra());
  }

  /**
   * Proves the uploaded object is the file ({@link S3ReadBack}) before anything may call it uploaded. An object
   * that differs, or that cannot be read back, is deleted with its metadata object, and the upload fails saying
   * what differed; the local file is not touched.
   */
  private void requireReadBack(String key, Path file, long size, String sha) throws IOException {
    String location = SnapshotLayout.s3Location(settings.bucket(), key);
    Optional<String> mismatch;
    try {
      mismatch = readBack.mismatch(key, file, size, sha);
    } catch (IOException | RuntimeException e) {
      discard(key);
      throw failures.io("could not read back " + location + " after its upload, so it does not count as "
          + "uploaded; the object was deleted", e);
    }
    if (mismatch.isPresent()) {
      discard(key);
      LOG.warn("Uploaded object {} is not the snapshot {}: {}; deleted it", location, file, mismatch.get());
      throw new IOException("the uploaded object " + location + " is not the snapshot (" + mismatch.get()
          + "): the store did not keep the bytes sent; the object was deleted");
    }
  }

  private void discard(String key) {
    downloads.deleteQuietly(key);
    downloads.deleteQuietly(SnapshotLayout.s3MetadataKey(settings.folder(), SnapshotLayout.s3FileName(key)));
  }

  /**
   * Whether the folder holds a copy of {@code localFile} under its name that the read-back proves to be it (size,
   * trailer or zip records, and the store's SHA-256 where it returns one). Costs a HEAD and one or two small
   * ranged GETs.
   *
   * @throws IOException when the store cannot be asked: the caller cannot tell
   */
  @Override
  public boolean holdsCopyOf(String fileName, Path localFile) throws IOException {
    String key = SnapshotLayout.s3Key(settings.folder(), fileName);
    try {
      return readBack.mismatch(key, localFile, Files.size(localFile), null).isEmpty();
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        return false;
      }
      throw failures.io("failed to read back " + SnapshotLayout.s3Location(settings.bucket(), key), e);
    }
  }

  /**
   * Whether a listed object is shaped like a snapshot without its local file: a raw one's size is whole 512-byte
   * pages plus etcd's 32-byte trailer, a zip ends with its end-of-central-directory record (one ranged GET). An
   * object that kept aws-chunked framing fails either check.
   */
  @Override
  public boolean intact(StoredSnapshot listed) throws IOException {
    if (!listed.compressed()) {
      return listed.size() % 512 == 32;
    }
    String key = SnapshotLayout.s3Key(settings.folder(), listed.fileName());
    try {
      return readBack.endsLikeZip(key, listed.size());
    } catch (RuntimeException e) {
      throw failures.io("failed to read the end of " + SnapshotLayout.s3Location(settings.bucket(), key), e);
    }
  }

  @Override
  public InputStream open(String fileName) throws IOException {
    return downloads.open(SnapshotLayout.s3Key(settings.folder(), fileName));
  }

  @Override
  public boolean delete(String fileName) throws IOException {
    String key = SnapshotLayout.s3Key(settings.folder(), fileName);
    boolean existed = downloads.deleteIfExists(key);
    boolean sidecar = downloads.deleteIfExists(SnapshotLayout.s3MetadataKey(settings.folder(), fileName));
    return existed || sidecar;
  }

  /**
   * Downloads a snapshot to {@code <dir>/<fileName>} and its metadata sidecar, if any, to
   * {@code <dir>/../.metadata/<fileName>}, both mode 0600. The snapshot goes through a {@code .part} file that
   * {@code check} sees complete before the rename, so a download that fails or does not pass the check leaves
   * nothing behind; an existing {@code <dir>/<fileName>} is refused and left as it is.
   *
   * @param check called with the complete {@code .part} file (whose name ends in {@code .part}, not in the
   *     snapshot's suffix); throws to refuse it
   * @return the downloaded snapshot file
   * @throws NoSuchFileException when the snapshot is not in the folder
   * @throws java.nio.file.FileAlreadyExistsException when {@code <dir>/<fileName>} exists
   */
  @Override
  public Path download(String fileName, Path dir, PartCheck check) throws IOException {
    return downloads.snapshot(settings.folder(), fileName, dir, check);
  }

  @Override
  public void close() {
    workers.shutdownNow();
    s3.close();
  }

  private void putSidecar(String key, SnapshotMetadata md, Map<String, String> userMetadata) throws IOException {
    String metaKey = SnapshotLayout.s3MetadataKey(settings.folder(), md.fileName());
    try {
      byte[] json = JSON.writeValueAsBytes(md.extra());
      s3.putObject(r -> r.bucket(settings.bucket()).key(metaKey).contentType("application/json")
          .metadata(userMetadata), RequestBody.fromBytes(json));
    } catch (IOException | RuntimeException e) {
      // All or nothing: a snapshot without the metadata it was saved with is not what was asked for.
      downloads.deleteQuietly(key);
      throw failures.io("failed to upload metadata " + metaKey + " to bucket " + settings.bucket(), e);
    }
  }

  private Map<String, String> userMetadata(SnapshotMetadata md) {
    Map<String, String> m = new LinkedHashMap<>();
    if (md.clusterId() != null) {
      m.put(metadataPrefix + "-cluster-id", md.clusterId());
    }
    m.put(metadataPrefix + "-node-name", md.nodeName());
    if (md.tokenHash() != null) {
      m.put(metadataPrefix + "-token-hash", md.tokenHash());
    }
    return m;
  }

  private static String contentType(String key) {
    return key.endsWith(SnapshotLayout.ZIP_SUFFIX) ? "application/zip" : "application/octet-stream";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "s3-store-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
