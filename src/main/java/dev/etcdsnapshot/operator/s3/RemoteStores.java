package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.storage.SnapshotStore;
import java.util.OptionalInt;

/** Turns the S3 configuration read for one operation into a store, or says which key is wrong. */
public interface RemoteStores {

  /**
   * Checks the configuration without contacting the store (used when a Secret changes).
   *
   * @throws S3ConfigException naming the key at fault, never its value
   */
  void validate(S3Source source) throws S3ConfigException;

  /**
   * The identity (bucket, folder, endpoint, ...) the configuration reaches, without contacting the store.
   *
   * @throws S3ConfigException naming the key at fault, never its value
   */
  S3StoreIdentity identity(S3Source source) throws S3ConfigException;

  /**
   * Validates the configuration and opens the store; the caller closes it after the operation.
   *
   * @throws S3ConfigException naming the key at fault, never its value
   */
  Opened open(S3Source source) throws S3ConfigException;

  /**
   * An open store and the non-secret identity its ETCDSnapshotFile objects record.
   *
   * @param store the store; closed by the caller
   * @param identity bucket, folder, endpoint and the other non-secret settings
   * @param retention the Secret's {@code etcd-s3-retention} when the key is set, else empty
   */
  record Opened(SnapshotStore store, S3StoreIdentity identity, OptionalInt retention) {}
}
