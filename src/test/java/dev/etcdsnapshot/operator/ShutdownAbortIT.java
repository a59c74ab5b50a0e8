package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.GatedProxy;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pod termination during an upload: the operator's shutdown interrupts the multipart upload, which aborts itself
 * before the process goes, within the shutdown deadline — no multipart upload is left on the real S3 server.
 */
@EnableKubernetesMockClient(crud = true)
class ShutdownAbortIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static S3Server s3;
  static OperatorHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new OperatorHarness(client, server, new MutableClock(Instant.now()));
    etcd = harness.etcd(1);
    etcd.loadKeys(320, 64 * 1024); // about 21 MiB: a multipart upload with 16 MiB parts
    s3 = harness.s3("bye");
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void stoppingTheOperatorMidUploadAbortsTheMultipartUploadWithinTheDeadline() throws Exception {
    try (GatedProxy proxy = new GatedProxy(s3.port(), 4L << 20)) {
      Map<String, String> data = new HashMap<>(s3.secret("bye"));
      data.put("etcd-s3-proxy", proxy.url());
      client.resource(OperatorHarness.secret("etcd-s3", data)).create();
      Path dir = harness.newDir("node-t");
      OperatorRuntime runtime = harness.startAgent("node-t", "node-t-pod", etcd.member(0), dir,
          Duration.ofSeconds(1));
      EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
      spec.setName("bye");
      spec.setS3(OperatorHarness.s3Spec("etcd-s3"));
      harness.request("bye", spec);

      assertThat(proxy.held.await(90, TimeUnit.SECONDS)).as("4 MiB into the first part").isTrue();
      assertThat(s3.client().listMultipartUploads(l -> l.bucket("bye")).uploads()).hasSize(1);

      // GatedProxy holds every client-to-server byte once the gate shuts, a pooled connection's abort included;
      // it counts a request before holding it. So: stop the runtime, see the abort sent, then let the wire move
      // again (as a slow link would) — the stop returns only once the upload thread has aborted.
      long started = System.nanoTime();
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> harness.stop(runtime));
      await().atMost(OperatorRuntime.SHUTDOWN_DEADLINE).untilAsserted(() -> assertThat(proxy.requests("DELETE"))
          .as("shutdown interrupted the upload, which sent its abort").isPositive());
      // The stop returns only once the upload thread has aborted: it is still waiting now, or, on a machine slow
      // enough that the abort got through before this line, the upload must already be gone.
      if (stopped.isDone()) {
        assertThat(s3.client().listMultipartUploads(l -> l.bucket("bye")).uploads())
            .as("a stop that returned has left no multipart upload").isEmpty();
      }
      proxy.release();
      stopped.get(OperatorRuntime.SHUTDOWN_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(took).as("within the shutdown deadline").isLessThan(
          OperatorRuntime.SHUTDOWN_DEADLINE.plusSeconds(10));
      assertThat(s3.client().listMultipartUploads(l -> l.bucket("bye")).uploads())
          .as("no multipart upload is left once the runtime has stopped").isEmpty();
      // The held part, let go now, cannot complete an upload that no longer exists.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(s3.client().listMultipartUploads(l -> l.bucket("bye")).uploads()).isEmpty();
        assertThat(s3.client().listObjectsV2(b -> b.bucket("bye")).contents())
            .noneMatch(o -> o.key().startsWith("bye-node-t-"));
      });
    }
  }
}
