package dev.etcdsnapshot.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 performance, first half: 10,000 S3 snapshots synced into ETCDSnapshotFile objects on the mock API server.
 * Not a {@code *Test} (too slow for every build); run it with {@code bench/inventory.sh}. Results are appended to
 * {@code BENCHMARKS.md}.
 */
@EnableKubernetesMockClient(crud = true)
class InventoryBenchmark {

  static KubernetesClient client;
  static KubernetesMockServer server;

  /** The mock server logs every request at INFO; 20,000 log lines would be measured as sync time. */
  static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static final int SNAPSHOTS = Integer.getInteger("bench.snapshots", 10_000);
  static final int PARALLELISM = Integer.getInteger("bench.parallelism", SnapshotInventory.DEFAULT_PARALLELISM);

  @Test
  void sync10kS3Snapshots() throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    TestCrds.create(client);
    // Events are answered by an expectation: still sent and counted, but not stored, because the mock's CRUD store
    // scans every stored object on each request and 10,000 Events would double what each create scans.
    server.expect().post().withPath("/api/v1/namespaces/default/events").andReturn(201, "{}").always();
    S3StoreIdentity store = new S3StoreIdentity("s3.example.com", null, false, "etcd", null, "us-east-1", "cluster-a", false);
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    List<StoredSnapshot> listing = new ArrayList<>(SNAPSHOTS);
    for (int i = 0; i < SNAPSHOTS; i++) {
      String node = "node-" + (i % 3);
      long t = base.getEpochSecond() + i * 60L;
      String file = "etcd-snapshot-" + node + "-" + t + (i % 2 == 0 ? ".zip" : "");
      listing.add(new StoredSnapshot(file, StorageKind.S3, "s3://etcd/cluster-a/" + file, 5_000_000L + i,
          Instant.ofEpochSecond(t), node, "0123456789ab", Map.of()));
    }
    SnapshotInventory inventory = new SnapshotInventory(client, new SnapshotFileProjection(Flavor.K3S),
        new SnapshotEvents(client, Clock.systemUTC(), "bench"), Clock.systemUTC(), DeletionPolicyLookup.retainAll(),
        PARALLELISM);
    drain();
    long heapBefore = usedHeapAfterGc();

    long cpuStart = processCpuNanos();
    long mockCpuStart = mockServerCpuNanos();
    long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    long gcStart = gcMillis();
    long start = System.nanoTime();
    SyncReport first = inventory.syncS3(store, listing);
    double firstSeconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    double mockCpuSeconds = (mockServerCpuNanos() - mockCpuStart) / 1e9;
    double jitSeconds = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) / 1e3;
    double gcSeconds = (gcMillis() - gcStart) / 1e3;
    double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Map<String, Integer> firstRequests = drain();

    start = System.nanoTime();
    SyncReport again = inventory.syncS3(store, listing);
    double againSeconds = (System.nanoTime() - start) / 1e9;
    Map<String, Integer> againRequests = drain();

    long heapAfter = usedHeapAfterGc();
    List<EtcdSnapshotFile> held = client.resources(EtcdSnapshotFile.class).list().getItems();
    drain();
    long heapHolding = usedHeapAfterGc();
    assertThat(held).hasSize(SNAPSHOTS);

    assertThat(first.created()).isEqualTo(SNAPSHOTS);
    assertThat(again).isEqualTo(new SyncReport(0, 0, 0, SNAPSHOTS, 0));
    assertThat(againRequests).isEqualTo(Map.of("LIST etcdsnapshotfiles", 1));

    String rows = String.format(
        "| %s | %,d | first sync, %d writes in flight | %.1f s (JVM CPU %.0f s: mock server threads %.0f s, JIT %.0f s, GC %.1f s; load avg %.1f on %d cores) | %s | %s |%n"
            + "| %s | %,d | resync, unchanged | %.2f s | %s | %s |%n"
            + "| %s | %,d | holding all objects (one list, kept in a List) | | | %s more than without them |%n",
        Instant.now().toString().substring(0, 16) + "Z", SNAPSHOTS, PARALLELISM, firstSeconds, cpuSeconds, mockCpuSeconds, jitSeconds, gcSeconds, loadAverage,
        Runtime.getRuntime().availableProcessors(), total(firstRequests) + " " + firstRequests,
        mib(heapAfter) + " used after GC (JVM incl. mock server store; " + mib(heapBefore) + " before)",
        Instant.now().toString().substring(0, 16) + "Z", SNAPSHOTS, againSeconds, total(againRequests) + " " + againRequests, "",
        Instant.now().toString().substring(0, 16) + "Z", SNAPSHOTS, mib(heapHolding - heapAfter));
    dev.etcdsnapshot.testing.BenchmarkLog.append("inventory", rows.lines().toList());
    held.clear();
  }

  /** Requests the mock server saw since the last call, by verb and resource. */
  private static Map<String, Integer> drain() throws InterruptedException {
    Map<String, Integer> counts = new TreeMap<>();
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      String path = r.getPath();
      String resource = path.contains("/events") ? "events" : path.contains("etcdsnapshotfiles") ? "etcdsnapshotfiles" : path;
      String verb = r.getMethod().equals("GET") && !path.matches(".*/etcdsnapshotfiles/[^/?]+.*") ? "LIST" : r.getMethod();
      counts.merge(verb + " " + resource, 1, Integer::sum);
    }
    return counts;
  }

  /** CPU time of the whole JVM: operator code, client, mock server, GC and JIT. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time of the mock API server's threads (Vert.x), which would be the API server's cost, not ours. */
  private static long mockServerCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vert.x-")) {
        sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1024.0 / 1024.0);
  }

}
