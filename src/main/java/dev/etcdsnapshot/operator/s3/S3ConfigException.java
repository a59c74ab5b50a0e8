package dev.etcdsnapshot.operator.s3;

/**
 * The S3 configuration of a schedule or request cannot be used. The message names the Secret, ConfigMap or key
 * at fault and never contains a value read from a Secret, so it can go into a condition and an Event as it is.
 */
public final class S3ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Condition and Event reason. */
  public static final String REASON = "S3SecretInvalid";

  public S3ConfigException(String message) {
    super(message);
  }
}
