package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a content proof on the ETCDSnapshotFile objects of the snapshot: the revision, KV hash and time as
 * annotations when it is verified (the inventory's merge leaves annotations it does not own alone), an
 * {@code ETCDSnapshotContentMismatch} Warning when the content differs or the file cannot be read.
 */
public class ContentProofRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(ContentProofRecorder.class);

  private final KubernetesClient client;
  private final SnapshotEvents events;

  public ContentProofRecorder(KubernetesClient client, SnapshotEvents events) {
    this.client = client;
    this.events = events;
  }

  /** Annotates or reports every object in {@code objectNames} that is a snapshot (not a failure record). */
  public void record(List<String> objectNames, ContentProof proof) {
    for (String name : objectNames) {
      try {
        EtcdSnapshotFile file = client.resources(EtcdSnapshotFile.class).withName(name).get();
        if (file == null || (file.getStatus() != null && file.getStatus().getError() != null)) {
          continue;
        }
        if (proof.verified()) {
          client.resources(EtcdSnapshotFile.class).withName(name).edit(f -> {
            Map<String, String> annotations = f.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(f.getMetadata().getAnnotations());
            annotations.putAll(annotations(proof));
            f.getMetadata().setAnnotations(annotations);
            return f;
          });
        } else if (proof.failed()) {
          events.contentMismatch(file, proof.message());
        }
      } catch (KubernetesClientException e) {
        LOG.warn("Recording the content proof on ETCDSnapshotFile {} failed (HTTP {}): {}", name, e.getCode(),
            proof.message());
      }
    }
  }

  /**
   * The annotations of a verified proof: revision, KV hash, time, and the compaction revision the hash honours
   * (what a later re-verification of a stored copy needs to recompute it without the member).
   */
  static Map<String, String> annotations(ContentProof proof) {
    return Map.of(
        SnapshotLabels.REVISION_ANNOTATION, Long.toString(proof.revision()),
        SnapshotLabels.KV_HASH_COMPACT_REVISION_ANNOTATION, Long.toString(Math.max(proof.compactRevision(), 0)),
        SnapshotLabels.KV_HASH_ANNOTATION, proof.hashHex(),
        SnapshotLabels.VERIFIED_AT_ANNOTATION,
        DateTimeFormatter.ISO_INSTANT.format(proof.at().truncatedTo(ChronoUnit.SECONDS)));
  }
}
