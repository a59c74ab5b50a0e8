package dev.etcdsnapshot.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real etcd cluster of one or more {@link EtcdProcess members} on loopback, in a temporary directory, for
 * {@code *IT} tests. Close it (try-with-resources or {@code @AfterAll}) to kill every member and delete the
 * directory; a shutdown hook does the same if a test run is aborted.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.start(1)) {
 *   etcd.loadKeys(10_000, 1024);
 *   String url = etcd.member(0).clientUrl();
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

  private final Path baseDir;
  private final EtcdTls tls;
  private final List<EtcdProcess> members = new ArrayList<>();
  private final Thread cleanup = new Thread(this::closeQuietly, "etcd-cluster-cleanup");

  private EtcdCluster(Path baseDir, EtcdTls tls) {
    this.baseDir = baseDir;
    this.tls = tls;
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** Starts {@code size} plain-HTTP members forming one cluster; skips the test without etcd (fails in CI). */
  public static EtcdCluster start(int size) throws IOException, InterruptedException {
    return start(size, null);
  }

  /**
   * Starts {@code size} members whose client URLs are https with {@code tls}'s server certificate and that require
   * client certificates signed by its CA; {@code null} for plain HTTP.
   */
  public static EtcdCluster start(int size, EtcdTls tls) throws IOException, InterruptedException {
    return start(size, tls, java.net.InetAddress.getLoopbackAddress());
  }

  /**
   * Starts one plain-HTTP member listening on the IPv6 loopback only, so its client URL is
   * {@code http://[::1]:<port>}; fails (does not skip) when the machine has no ::1.
   */
  public static EtcdCluster startOnIpv6Loopback() throws IOException, InterruptedException {
    return start(1, null, java.net.InetAddress.getByName("::1"));
  }

  private static EtcdCluster start(int size, EtcdTls tls, java.net.InetAddress address)
      throws IOException, InterruptedException {
    EtcdProcess.requireBinaries();
    EtcdCluster cluster = new EtcdCluster(Files.createTempDirectory("etcd-it-"), tls);
    try {
      for (int i = 0; i < size; i++) {
        cluster.members.add(new EtcdProcess("m" + i, cluster.baseDir, tls, address));
      }
      String initial = cluster.initialCluster(cluster.members);
      for (EtcdProcess m : cluster.members) {
        m.start(initial, false);
      }
      for (EtcdProcess m : cluster.members) {
        m.awaitReady();
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The i-th member, in start order (learners come last). */
  public EtcdProcess member(int i) {
    return members.get(i);
  }

  /** Every member, in start order. */
  public List<EtcdProcess> members() {
    return List.copyOf(members);
  }

  /** The temporary directory the members' data and logs live in. */
  public Path baseDir() {
    return baseDir;
  }

  /**
   * Adds a learner ({@code etcdctl member add --learner}) and starts it; returns it once it serves clients.
   */
  public EtcdProcess addLearner() throws IOException, InterruptedException {
    EtcdProcess learner = new EtcdProcess("m" + members.size(), baseDir, tls);
    // etcd refuses membership changes ("unhealthy cluster") until its members have been connected for ~5 s.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        members.get(0).etcdctl("member", "add", learner.name(), "--learner", "--peer-urls=" + learner.peerUrl());
        break;
      } catch (IOException e) {
        if (!e.getMessage().contains("unhealthy cluster") || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
    List<EtcdProcess> all = new ArrayList<>(members);
    all.add(learner);
    members.add(learner);
    learner.start(initialCluster(all), true);
    learner.awaitReady();
    return learner;
  }

  /**
   * Writes {@code count} keys {@code /load/<n>} with values of {@code valueBytes} bytes through member 0, with up to
   * 256 puts in flight, so a database of a few hundred MiB takes seconds, not minutes.
   */
  public void loadKeys(int count, int valueBytes) throws Exception {
    byte[] value = new byte[valueBytes];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) ('a' + i % 26);
    }
    ByteSequence bytes = ByteSequence.from(value);
    Semaphore inFlight = new Semaphore(256);
    try (Client client = client(0)) {
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        inFlight.acquire();
        ByteSequence key = ByteSequence.from("/load/" + i, StandardCharsets.UTF_8);
        CompletableFuture<?> put = client.getKVClient().put(key, bytes).whenComplete((r, e) -> inFlight.release());
        pending.add(put);
        if (pending.size() >= 4096) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }

  /** A jetcd client for member {@code i} (plain HTTP clusters only). */
  public Client client(int i) {
    if (tls != null) {
      throw new UnsupportedOperationException("use etcdctl or the engine's own client against a TLS cluster");
    }
    return Client.builder().endpoints(members.get(i).clientUrl()).build();
  }

  private String initialCluster(List<EtcdProcess> list) {
    return list.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    closeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running this
    }
  }

  private void closeQuietly() {
    for (EtcdProcess m : members) {
      try {
        m.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteRecursively(baseDir);
  }

  /** Deletes a directory tree, ignoring what is already gone; for test clean-up. */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is not worth failing a test for
    }
  }
}
