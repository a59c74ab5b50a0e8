package dev.etcdsnapshot.config;

import dev.etcdsnapshot.engine.ServerToken;
import dev.etcdsnapshot.model.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the distribution's server token is read from, afresh before every save (a rotated token is picked up
 * without a restart), to record its fingerprint with each snapshot ({@link ServerToken}). The distribution's
 * default file may be missing or unreadable — a node without one (kubeadm, external etcd) records no fingerprint —
 * while a file given on the command line must exist and be readable.
 *
 * @param path the file, or {@code null} for none
 * @param flag the flag that named it, for messages ({@code --token-file})
 * @param required whether a missing or unreadable file is an error rather than "no fingerprint"
 */
public record TokenFile(Path path, String flag, boolean required) {

  /** No token file: snapshots carry no fingerprint. */
  public static final TokenFile NONE = new TokenFile(null, "--token-file", false);

  /** The distribution's own token file, {@code /var/lib/rancher/<k3s|rke2>/server/token}. */
  public static Path defaultPath(Flavor flavor) {
    return Path.of("/var/lib/rancher", flavor.program(), "server", "token");
  }

  /**
   * The file a flag asks for: unset means {@code defaultPath} if it exists, empty means none, anything else must
   * be a readable file.
   *
   * @param value the flag's value, {@code null} when the flag was not given
   * @throws IllegalArgumentException naming the flag when a given file is missing or unreadable
   */
  public static TokenFile fromFlag(String flag, String value, Path defaultPath) {
    if (value == null) {
      return new TokenFile(defaultPath, flag, false);
    }
    if (value.isBlank()) {
      return new TokenFile(null, flag, false);
    }
    Path file = Path.of(value);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(flag + " " + file + " is not a file (give the server token file, e.g. "
          + defaultPath(Flavor.K3S) + ", or " + flag + "= for none)");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(flag + " " + file + " is not readable by this process");
    }
    return new TokenFile(file, flag, true);
  }

  /**
   * What reading the token file before a save gave: the fingerprint to record, or none, with a warning to show
   * when the absence is worth one (never the token).
   *
   * @param hash the 12-hex fingerprint, empty for none
   * @param warning why there is none although a file was expected to give one, empty when there is nothing to say
   */
  public record Fingerprint(Optional<String> hash, Optional<String> warning) {

    static final Fingerprint NONE = new Fingerprint(Optional.empty(), Optional.empty());

    static Fingerprint none(String warning) {
      return new Fingerprint(Optional.empty(), Optional.of(warning));
    }
  }

  /**
   * The fingerprint of the token in the file now, or none: no file configured, the optional default missing or
   * unreadable (with a warning), or content that is not a token k3s would hash (with a warning). Only a file given
   * with the flag must be readable.
   *
   * @throws IOException naming the flag and the file (never the content) when a required file has gone or cannot
   *     be read
   */
  public Fingerprint fingerprint() throws IOException {
    if (path == null) {
      return Fingerprint.NONE;
    }
    Optional<String> hash;
    try {
      hash = ServerToken.hashOfFile(path);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new NoSuchFileException(path.toString(), null, flag + " names a file that no longer exists");
      }
      return Fingerprint.NONE;
    } catch (IOException e) {
      if (required) {
        throw new IOException(flag + " " + path + " cannot be read: " + e.getClass().getSimpleName(), e);
      }
      // The default file is a best effort, as when it is missing: a snapshot without a fingerprint beats none.
      return Fingerprint.none("The server token file " + path + " cannot be read (" + e.getClass().getSimpleName()
          + "); snapshots get no token hash (give " + flag + " to name another file, or " + flag + "= for none)");
    }
    if (hash.isEmpty()) {
      return Fingerprint.none("The server token in " + path + " is not in a form k3s fingerprints (K10<CA hash>::"
          + "<user>:<password> or a bare password); snapshots get no token hash");
    }
    return new Fingerprint(hash, Optional.empty());
  }
}
