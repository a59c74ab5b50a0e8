package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.SnapshotS3Spec;
import java.util.Optional;
import java.util.Set;

/**
 * The one place a resource's S3 settings become a store: the Secret (and CA ConfigMap) named by the settings is read
 * at the moment of use, merged with the inline fields and handed to the {@link RemoteStores}. Agents, the retry
 * queue, the leader's sync and deletion all open stores here, so they read the same settings the same way.
 */
public final class S3Access {

  private final S3SecretReader reader;
  private final RemoteStores stores;

  public S3Access(S3SecretReader reader, RemoteStores stores) {
    this.reader = reader;
    this.stores = stores;
  }

  /** The kube-system Secrets resources may name, whose changes must be watched too. */
  public Set<String> kubeSystemSecrets() {
    return reader.kubeSystemSecrets();
  }

  /**
   * The settings of a resource in {@code namespace}, read afresh.
   *
   * @throws S3ConfigException naming the key or field at fault, never its value
   */
  public S3Source source(String namespace, SnapshotS3Spec spec) throws S3ConfigException {
    return reader.read(namespace, spec);
  }

  /**
   * Opens the store a resource in {@code namespace} reaches with {@code spec}; the caller closes it.
   *
   * @throws S3ConfigException naming the key or field at fault, never its value
   */
  public RemoteStores.Opened open(String namespace, SnapshotS3Spec spec) throws S3ConfigException {
    return stores.open(source(namespace, spec));
  }

  /** Opens the store of settings already read; the caller closes it. */
  public RemoteStores.Opened open(S3Source source) throws S3ConfigException {
    return stores.open(source);
  }

  /** The identity (bucket, folder, endpoint, ...) settings already read reach, without contacting the store. */
  public S3StoreIdentity identity(S3Source source) throws S3ConfigException {
    return stores.identity(source);
  }

  /** Why the S3 configuration cannot be used, or empty when it can (or when no S3 is asked for). */
  public Optional<String> problem(String namespace, SnapshotS3Spec spec) {
    if (spec == null) {
      return Optional.empty();
    }
    try {
      stores.validate(source(namespace, spec));
      return Optional.empty();
    } catch (S3ConfigException e) {
      return Optional.of(e.getMessage());
    }
  }
}
