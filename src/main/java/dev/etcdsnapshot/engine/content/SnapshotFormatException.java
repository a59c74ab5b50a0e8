package dev.etcdsnapshot.engine.content;

/**
 * A snapshot whose bbolt structure cannot be read: truncated, a wrong page size, a corrupt page or meta, bytes after
 * the last page that are not etcd's trailer. The message is one sentence for a user (it names the page or offset);
 * callers report it as a verification failure, never as a stack trace. Unchecked, because it also surfaces while a
 * caller iterates.
 */
public final class SnapshotFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public SnapshotFormatException(String message) {
    super(message);
  }
}
