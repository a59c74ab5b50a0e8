package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server token's fingerprint that k3s records with every snapshot (annotation {@code snapshot-token-hash}, S3
 * metadata {@code <flavor>-token-hash}): the first 12 lowercase hex characters of the SHA-256 of the normalized
 * token (k3s-compat §3). A restore onto new hosts needs the token the snapshot's bootstrap data was encrypted with;
 * the fingerprint tells whether the current one is it without revealing either. The token itself never leaves this
 * class: no message, log line or exception carries it.
 */
public final class ServerToken {

  /** Hex characters kept, as k3s. */
  public static final int HASH_LENGTH = 12;

  /** {@code K10<CA hash>::<credentials>}; the CA hash is empty or a SHA-256 in hex. */
  private static final Pattern FULL = Pattern.compile("K10(?<ca>.*?)::(?<creds>.*)", Pattern.DOTALL);

  /** A kubeadm-style bootstrap token ({@code abcdef.0123456789abcdef}), which k3s does not hash. */
  private static final Pattern BOOTSTRAP = Pattern.compile("[a-z0-9]{6}\\.[a-z0-9]{16}");

  private ServerToken() {}

  /**
   * The fingerprint of a token, or empty when k3s could not normalize it either (and so records none): a full token
   * whose credentials are not {@code <user>:<password>}, a CA hash of the wrong length, a bootstrap token, or
   * nothing but white space.
   */
  public static Optional<String> hash(String token) {
    return normalize(token).map(ServerToken::sha256Prefix);
  }

  /**
   * Reads a token file ({@code <data-dir>/server/token}) afresh and fingerprints its content, white space around it
   * ignored.
   *
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws IOException when it cannot be read; the message names the file, never its content
   */
  public static Optional<String> hashOfFile(Path file) throws IOException {
    return hash(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * What k3s hashes: the password of {@code K10<CA hash>::<user>:<password>}, or a bare token whole (colons and
   * all, since k3s reads a bare token as a password with an empty user name).
   */
  static Optional<String> normalize(String token) {
    String t = token == null ? "" : token.strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Matcher full = FULL.matcher(t);
    if (!full.matches()) {
      return BOOTSTRAP.matcher(t).matches() ? Optional.empty() : Optional.of(t);
    }
    String ca = full.group("ca");
    if (!ca.isEmpty() && ca.length() != 64) {
      return Optional.empty();
    }
    String creds = full.group("creds");
    int colon = creds.indexOf(':');
    if (colon < 0 || colon == creds.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(creds.substring(colon + 1));
  }

  private static String sha256Prefix(String password) {
    byte[] digest = SnapshotIntegrity.sha256().digest(password.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
  }
}
