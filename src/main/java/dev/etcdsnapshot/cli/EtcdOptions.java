package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags that say how to reach etcd, shared by every command that talks to it (picocli mixin). */
public final class EtcdOptions {

  @Option(names = "--endpoints", split = ",", paramLabel = "URL",
      description = "etcd client URL of the member to snapshot (default: ${DEFAULT-VALUE})",
      defaultValue = EtcdConnectionSettings.DEFAULT_ENDPOINT)
  List<String> endpoints;

  @Option(names = "--cacert", paramLabel = "FILE", description = "CA bundle (PEM) that signed etcd's server certificate")
  Path cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "client certificate (PEM) for etcd")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "private key (PEM) of the client certificate")
  Path key;

  @Option(names = "--etcd-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "timeout of each etcd call except the snapshot stream itself, in seconds (default: ${DEFAULT-VALUE})")
  long callTimeoutSeconds;

  /**
   * The validated connection settings.
   *
   * @throws IllegalArgumentException naming the flag at fault (bad URL, missing file, cert without key)
   */
  public EtcdConnectionSettings settings() {
    if (callTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("--etcd-timeout must be greater than 0, got " + callTimeoutSeconds);
    }
    Duration timeout = Duration.ofSeconds(callTimeoutSeconds);
    return new EtcdConnectionSettings(EtcdConnectionSettings.parseEndpoints(endpoints), cacert, cert, key,
        timeout.compareTo(EtcdConnectionSettings.DEFAULT_CONNECT_TIMEOUT) < 0
            ? timeout : EtcdConnectionSettings.DEFAULT_CONNECT_TIMEOUT,
        timeout).validate();
  }
}
