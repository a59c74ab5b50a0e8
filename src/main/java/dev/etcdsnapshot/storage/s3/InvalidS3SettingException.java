package dev.etcdsnapshot.storage.s3;

/**
 * An S3 setting that cannot be used. The message names the k3s key (e.g. {@code etcd-s3-timeout}) and never
 * contains the value of a credential, so it can go into a log line, an Event or a status condition.
 */
public final class InvalidS3SettingException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;

  /** @param key the k3s Secret key of the setting; {@code problem} completes the sentence "key ..." */
  public InvalidS3SettingException(String key, String problem) {
    super(key + " " + problem);
    this.key = key;
  }

  /** The k3s Secret key of the offending setting, e.g. {@code etcd-s3-bucket}. */
  public String key() {
    return key;
  }
}
