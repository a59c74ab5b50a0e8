package dev.etcdsnapshot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code etcd} member process on 127.0.0.1 (or on [::1], see {@link EtcdCluster#startOnIpv6Loopback}) with
 * random client and peer ports, for tests. Members are
 * started through {@link EtcdCluster}, which owns their temporary directories and stops every process it started.
 *
 * <p>{@link #requireBinaries()} skips the calling test when {@code etcd}/{@code etcdctl} are not on the PATH, except
 * with {@code CI=true}, where a missing binary fails the run instead of hiding a broken install.
 */
public final class EtcdProcess {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final int clientPort;
  private final int peerPort;
  private final Path dataDir;
  private final Path logFile;
  private final EtcdTls tls;
  private final String host;
  private Process process;

  EtcdProcess(String name, Path baseDir, EtcdTls tls) throws IOException {
    this(name, baseDir, tls, InetAddress.getLoopbackAddress());
  }

  /** A member listening on {@code address} only: 127.0.0.1, or ::1 for IPv6 endpoints. */
  EtcdProcess(String name, Path baseDir, EtcdTls tls, InetAddress address) throws IOException {
    this.name = name;
    this.host = address.isLoopbackAddress() && address instanceof java.net.Inet6Address ? "[::1]"
        : address.getHostAddress();
    this.clientPort = freePort(address);
    this.peerPort = freePort(address);
    this.dataDir = baseDir.resolve(name + ".etcd");
    this.logFile = baseDir.resolve(name + ".log");
    this.tls = tls;
  }

  /** Skips the test without etcd binaries; with {@code CI=true} fails it. */
  public static void requireBinaries() {
    boolean present = onPath("etcd") && onPath("etcdctl");
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("etcd and etcdctl must be on the PATH when CI=true (apt-get install "
          + "etcd-server etcd-client)");
    }
    assumeTrue(present, "etcd/etcdctl not on the PATH");
  }

  private static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  /** The member name. */
  public String name() {
    return name;
  }

  /** {@code http(s)://127.0.0.1:<client port>} (or {@code http(s)://[::1]:<client port>}). */
  public String clientUrl() {
    return (tls == null ? "http" : "https") + "://" + host + ":" + clientPort;
  }

  /** {@code http://127.0.0.1:<peer port>}; peers talk plain HTTP even when clients use TLS. */
  public String peerUrl() {
    return "http://" + host + ":" + peerPort;
  }

  /** The member's data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** True while the process runs. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  void start(String initialCluster, boolean existingCluster) throws IOException {
    List<String> command = new ArrayList<>(List.of("etcd",
        "--name", name,
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", clientUrl(),
        "--advertise-client-urls", clientUrl(),
        "--listen-peer-urls", peerUrl(),
        "--initial-advertise-peer-urls", peerUrl(),
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", existingCluster ? "existing" : "new",
        "--initial-cluster-token", "test-" + dataDir.getParent().getFileName()));
    if (tls != null) {
      command.addAll(List.of("--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
          "--trusted-ca-file", tls.caCert().toString(), "--client-cert-auth"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    process = builder.start();
  }

  void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd " + name + " exited with " + process.exitValue() + ":\n" + log());
      }
      if (Files.exists(logFile) && log().contains("ready to serve client requests")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException("etcd " + name + " not ready within " + START_TIMEOUT + ":\n" + log());
  }

  /** The process's log so far. */
  public String log() throws IOException {
    return Files.readString(logFile, StandardCharsets.UTF_8);
  }

  /**
   * Stops the member with SIGSTOP: it keeps its connections but answers nothing until {@link #resume()}, so a test
   * can hold a snapshot in flight.
   */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a paused member go on (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Kills the member with SIGKILL and waits for it to be gone. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs {@code etcdctl} against this member (ETCDCTL_API=3, TLS flags added) and returns its stdout.
   *
   * @throws IOException when etcdctl exits non-zero, with its output
   */
  public String etcdctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints", clientUrl()));
    if (tls != null) {
      command.addAll(List.of("--cacert", tls.caCert().toString(), "--cert", tls.clientCert().toString(),
          "--key", tls.clientKey().toString()));
    }
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    builder.environment().putAll(Map.of("ETCDCTL_API", "3"));
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("etcdctl " + String.join(" ", args) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, address)) {
      return socket.getLocalPort();
    }
  }
}
