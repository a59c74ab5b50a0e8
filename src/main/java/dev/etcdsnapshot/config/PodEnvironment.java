package dev.etcdsnapshot.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the operator learns about its pod: {@code NODE_NAME}, {@code POD_NAME} and {@code POD_NAMESPACE} from the
 * downward API, else the service account's namespace file.
 */
public final class PodEnvironment {

  /** The namespace file every pod with a service account token has. */
  public static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private final Map<String, String> env;
  private final Path namespaceFile;

  public PodEnvironment(Map<String, String> env, Path namespaceFile) {
    this.env = env;
    this.namespaceFile = namespaceFile;
  }

  /** The real process environment. */
  public static PodEnvironment current() {
    return new PodEnvironment(System.getenv(), SERVICE_ACCOUNT_NAMESPACE);
  }

  /** {@code $NODE_NAME}. */
  public Optional<String> nodeName() {
    return get("NODE_NAME");
  }

  /** {@code $POD_NAME}. */
  public Optional<String> podName() {
    return get("POD_NAME");
  }

  /** {@code $POD_NAMESPACE}, else the service account namespace file. */
  public Optional<String> podNamespace() {
    Optional<String> fromEnv = get("POD_NAMESPACE");
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    try {
      return Files.isReadable(namespaceFile) ? Optional.of(Files.readString(namespaceFile).trim())
          .filter(s -> !s.isEmpty()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Optional<String> get(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
  }
}
