package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.storage.s3.InvalidS3SettingException;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The S3 stores of the storage layer, configured afresh for each operation from what was just read from the
 * Secret: a rotated key is used by the next operation. Whether the bucket exists is left to the upload, whose
 * failure becomes a failure record as in k3s.
 */
public final class S3RemoteStores implements RemoteStores {

  private final String metadataPrefix;

  /** @param flavor whose user metadata keys the objects carry ({@code k3s-node-name} or {@code rke2-node-name}) */
  public S3RemoteStores(Flavor flavor) {
    this.metadataPrefix = flavor.program();
  }

  @Override
  public void validate(S3Source source) throws S3ConfigException {
    settings(source);
  }

  @Override
  public S3StoreIdentity identity(S3Source source) throws S3ConfigException {
    return identity(settings(source));
  }

  @Override
  public Opened open(S3Source source) throws S3ConfigException {
    S3Settings settings = settings(source);
    return new Opened(S3SnapshotStore.builder(settings).metadataPrefix(metadataPrefix).build(), identity(settings),
        settings.retentionSet() ? OptionalInt.of(settings.retention()) : OptionalInt.empty());
  }

  /** The validated settings; the message names the Secret and the key, never a value. */
  public static S3Settings settings(S3Source source) throws S3ConfigException {
    try {
      return S3Settings.fromSecret(source.values(), source.caBundles());
    } catch (InvalidS3SettingException e) {
      throw new S3ConfigException(source.origin() + ": " + e.getMessage());
    }
  }

  /** What ETCDSnapshotFile objects of this store record in {@code spec.s3}, as k3s writes it. */
  public static S3StoreIdentity identity(S3Settings s) {
    String lookup = s.bucketLookup() == null ? null : s.bucketLookup().name().toLowerCase(Locale.ROOT);
    return new S3StoreIdentity(s.endpoint(), emptyToNull(s.endpointCa()), s.skipSslVerify(), s.bucket(),
        "auto".equals(lookup) ? null : lookup, s.region(), s.folder(), s.plainHttp());
  }

  private static String emptyToNull(String v) {
    return v == null || v.isEmpty() ? null : v;
  }
}
