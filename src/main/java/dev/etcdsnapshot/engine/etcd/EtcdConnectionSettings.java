package dev.etcdsnapshot.engine.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach etcd: client endpoints, the TLS files, and the timeouts every call is bounded by. Each problem is
 * reported with the flag that caused it ({@code --endpoints}, {@code --cacert}, {@code --cert}, {@code --key}).
 *
 * @param endpoints client URLs, {@code http://} or {@code https://} with host and port
 * @param cacert the CA bundle (PEM) that signed etcd's server certificate, or {@code null} for the JVM's trust store
 * @param cert the client certificate (PEM), or {@code null}
 * @param key the client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1), or {@code null}
 * @param connectTimeout how long to wait for a connection
 * @param callTimeout how long a single unary call (status, member list) may take
 */
public record EtcdConnectionSettings(
    List<URI> endpoints, Path cacert, Path cert, Path key, Duration connectTimeout, Duration callTimeout) {

  /** k3s's local member. */
  public static final String DEFAULT_ENDPOINT = "https://127.0.0.1:2379";

  /** k3s dials etcd for snapshots with a 2 s timeout; allow a loaded node a little more. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Bound of each unary call. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  public EtcdConnectionSettings {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
  }

  /** Settings for plain endpoints without TLS files and with the default timeouts. */
  public static EtcdConnectionSettings of(String... endpoints) {
    return new EtcdConnectionSettings(parseEndpoints(List.of(endpoints)), null, null, null,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_CALL_TIMEOUT);
  }

  /**
   * Parses endpoint URLs; a comma-separated item is split as etcdctl does.
   *
   * @throws IllegalArgumentException naming {@code --endpoints} for anything that is not http(s)://host:port
   */
  public static List<URI> parseEndpoints(List<String> values) {
    List<URI> parsed = values.stream()
        .flatMap(v -> java.util.Arrays.stream(v.split(",")))
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .map(EtcdConnectionSettings::parseEndpoint)
        .toList();
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("--endpoints: no etcd endpoint given");
    }
    return parsed;
  }

  private static URI parseEndpoint(String value) {
    try {
      URI uri = new URI(value);
      boolean schemeOk = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!schemeOk || uri.getHost() == null || uri.getPort() < 0 || uri.getUserInfo() != null) {
        throw new URISyntaxException(value, "expected http(s)://host:port");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--endpoints: invalid etcd endpoint \"" + value + "\": expected "
          + "http://host:port or https://host:port");
    }
  }

  /**
   * Checks what can be checked without connecting: at least one endpoint, existing readable TLS files, a client
   * certificate and key given together, positive timeouts.
   *
   * @throws IllegalArgumentException naming the flag at fault
   */
  public EtcdConnectionSettings validate() {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("--endpoints: no etcd endpoint given");
    }
    requireReadable("--cacert", cacert);
    requireReadable("--cert", cert);
    requireReadable("--key", key);
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(cert == null
          ? "--key was given without --cert: a client key needs its certificate"
          : "--cert was given without --key: a client certificate needs its key");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero() || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("etcd timeouts must be greater than 0s");
    }
    return this;
  }

  /** True when any endpoint uses https or TLS files were given. */
  public boolean usesTls() {
    return cacert != null || cert != null || endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
  }

  private static void requireReadable(String flag, Path file) {
    if (file == null) {
      return;
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(flag + ": file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(flag + ": " + file + " is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(flag + ": file " + file + " is not readable");
    }
  }
}
