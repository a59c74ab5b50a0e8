package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.SnapshotS3Spec;
import java.util.Optional;

/** Checks, without contacting the store, whether a CR's S3 settings and Secret can be used right now. */
public final class S3Check {

  private final S3SecretReader reader;
  private final RemoteStores stores;

  public S3Check(S3SecretReader reader, RemoteStores stores) {
    this.reader = reader;
    this.stores = stores;
  }

  /** The kube-system Secrets resources may name, whose changes must be watched too. */
  public java.util.Set<String> kubeSystemSecrets() {
    return reader.kubeSystemSecrets();
  }

  /** Why the S3 configuration cannot be used, or empty when it can (or when no S3 is asked for). */
  public Optional<String> problem(String namespace, SnapshotS3Spec spec) {
    if (spec == null) {
      return Optional.empty();
    }
    try {
      stores.validate(reader.read(namespace, spec));
      return Optional.empty();
    } catch (S3ConfigException e) {
      return Optional.of(e.getMessage());
    }
  }
}
