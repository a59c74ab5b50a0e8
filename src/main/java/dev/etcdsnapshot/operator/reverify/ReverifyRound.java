package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.inventory.SnapshotData;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One re-verification round over the copies of one storage node (this agent's node, or {@code s3} on the leader):
 * the due copies from {@link ReverifyPlan}, one at a time, each checked by {@link StoredCopyVerifier} through its
 * {@link CopyReader}, and the verdict recorded on the ETCDSnapshotFile — {@code verified-at} moved, or
 * {@code verify-failed} set with an {@code ETCDSnapshotContentMismatch} Warning and the failure metric. A copy is
 * never deleted here.
 */
public final class ReverifyRound implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ReverifyRound.class);

  private final KubernetesClient client;
  private final Flavor flavor;
  private final String storageNode;
  private final CopyReader reader;
  private final StoredCopyVerifier verifier;
  private final SnapshotEvents events;
  private final SnapshotMetrics metrics;
  private final Clock clock;
  private final Duration interval;
  private final int maxPerRound;
  private final VerdictListener listener;
  /** When each copy was last looked at by this process, so a copy that cannot be proven does not head every round. */
  private final Map<String, Instant> lastTried = new ConcurrentHashMap<>();

  public ReverifyRound(KubernetesClient client, Flavor flavor, String storageNode, CopyReader reader,
      StoredCopyVerifier verifier, SnapshotEvents events, SnapshotMetrics metrics, Clock clock, Duration interval,
      int maxPerRound) {
    this(client, flavor, storageNode, reader, verifier, events, metrics, clock, interval, maxPerRound,
        VerdictListener.NONE);
  }

  /** As above, telling {@code listener} (the schedules' Verified condition) of each verdict. */
  public ReverifyRound(KubernetesClient client, Flavor flavor, String storageNode, CopyReader reader,
      StoredCopyVerifier verifier, SnapshotEvents events, SnapshotMetrics metrics, Clock clock, Duration interval,
      int maxPerRound, VerdictListener listener) {
    this.listener = listener;
    this.client = client;
    this.flavor = flavor;
    this.storageNode = storageNode;
    this.reader = reader;
    this.verifier = verifier;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.interval = interval;
    this.maxPerRound = maxPerRound;
  }

  /** Runs a round; API failures end it with a log line (the next round tries again), nothing is thrown. */
  @Override
  public void run() {
    try {
      round();
    } catch (KubernetesClientException e) {
      LOG.warn("Re-verification round of {} copies stopped (HTTP {}): {}", storageNode, e.getCode(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Re-verification round of {} copies failed", storageNode, e);
    }
  }

  /** The verdicts of this round, by object name (what tests and logs look at). */
  Map<String, ReverifyVerdict> round() {
    String label = SnapshotLabels.storageNodeLabel(flavor);
    Map<String, EtcdSnapshotFile> byName = new HashMap<>();
    List<ReverifyPlan.Copy> copies = new ArrayList<>();
    for (EtcdSnapshotFile f : client.resources(EtcdSnapshotFile.class).withLabel(label, storageNode).list()
        .getItems()) {
      if (f.getSpec() == null || f.getSpec().getSnapshotName() == null
          || (f.getStatus() != null && f.getStatus().getError() != null)) {
        continue; // failure records hold no copy
      }
      String name = f.getMetadata().getName();
      byName.put(name, f);
      copies.add(copy(f, Optional.ofNullable(lastTried.get(name))));
    }
    Map<String, ReverifyVerdict> verdicts = new HashMap<>();
    for (ReverifyPlan.Copy c : ReverifyPlan.next(copies, clock.instant(), interval, maxPerRound)) {
      if (Thread.currentThread().isInterrupted()) {
        break; // shutting down
      }
      EtcdSnapshotFile file = byName.get(c.name());
      SnapshotData data = SnapshotData.of(file, label);
      StoredCopyVerifier.Recorded recorded = recorded(file);
      ReverifyVerdict verdict = reader.read(data, path -> verifier.verify(path, recorded));
      lastTried.put(c.name(), clock.instant());
      record(file, data, verdict);
      verdicts.put(c.name(), verdict);
    }
    return verdicts;
  }

  private void record(EtcdSnapshotFile file, SnapshotData data, ReverifyVerdict verdict) {
    String name = file.getMetadata().getName();
    Instant now = clock.instant();
    LOG.info("Re-verified {} ({}): {}", data.fileName(), data.kind(), verdict.message());
    Map<String, String> set = verdict.annotationsToSet(now);
    boolean clears = verdict.annotationsToRemove().stream().anyMatch(k -> annotations(file).containsKey(k));
    if (!set.isEmpty() || clears) {
      client.resources(EtcdSnapshotFile.class).withName(name).edit(f -> {
        Map<String, String> a = new HashMap<>(annotations(f));
        verdict.annotationsToRemove().forEach(a::remove);
        a.putAll(set);
        f.getMetadata().setAnnotations(a);
        return f;
      });
    }
    if (verdict.failed()) {
      events.contentMismatch(file, verdict.message() + " (the copy is kept)");
      metrics.recordReverifyFailure(data.kind());
    } else if (verdict.contentVerified() && file.getSpec().getNodeName() != null) {
      metrics.seedLastVerified(file.getSpec().getNodeName(), now);
    }
    try {
      listener.verdict(data.fileName(), data.kind(), verdict);
    } catch (RuntimeException e) {
      LOG.warn("Recording the re-verification of {} beyond its object failed: {}", data.fileName(), e.getMessage());
    }
  }

  static ReverifyPlan.Copy copy(EtcdSnapshotFile f, Optional<Instant> lastTried) {
    Map<String, String> a = annotations(f);
    Instant created = f.getStatus() != null && f.getStatus().getCreationTime() != null
        ? parse(f.getStatus().getCreationTime()).orElse(Instant.EPOCH) : Instant.EPOCH;
    return new ReverifyPlan.Copy(f.getMetadata().getName(),
        SnapshotData.of(f, "").kind(), created, parse(a.get(SnapshotLabels.VERIFIED_AT_ANNOTATION)), lastTried,
        StoredCopyVerifier.parseHash(a.get(SnapshotLabels.KV_HASH_ANNOTATION)).isPresent());
  }

  static StoredCopyVerifier.Recorded recorded(EtcdSnapshotFile f) {
    Map<String, String> a = annotations(f);
    return new StoredCopyVerifier.Recorded(StoredCopyVerifier.parseRevision(a.get(SnapshotLabels.REVISION_ANNOTATION)),
        StoredCopyVerifier.parseHash(a.get(SnapshotLabels.KV_HASH_ANNOTATION)),
        StoredCopyVerifier.parseRevision(a.get(SnapshotLabels.KV_HASH_COMPACT_REVISION_ANNOTATION)));
  }

  private static Map<String, String> annotations(EtcdSnapshotFile f) {
    return f.getMetadata().getAnnotations() == null ? Map.of() : f.getMetadata().getAnnotations();
  }

  private static Optional<Instant> parse(String value) {
    try {
      return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
