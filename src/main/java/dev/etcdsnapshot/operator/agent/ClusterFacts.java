package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.config.TokenFile;
import dev.etcdsnapshot.model.Flavor;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What k3s records with every snapshot besides the data: the cluster identity (the {@code kube-system} namespace's
 * UID, read once: it never changes), the server token's fingerprint (the token file is read before every save, so
 * a rotated token is picked up) and the extra metadata ConfigMap {@code kube-system/<program>-etcd-snapshot-
 * extra-metadata} (read before every save; its absence is fine).
 */
public final class ClusterFacts {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterFacts.class);

  private final KubernetesClient client;
  private final Flavor flavor;
  private final TokenFile tokenFile;
  private volatile String clusterId;

  public ClusterFacts(KubernetesClient client, Flavor flavor, TokenFile tokenFile) {
    this.client = client;
    this.flavor = flavor;
    this.tokenFile = tokenFile;
  }

  /** The context for the next save. */
  public SnapshotRunner.SaveContext next() {
    return new SnapshotRunner.SaveContext(clusterId(), tokenHash(), extraMetadata());
  }

  /** A token file that cannot be read costs the fingerprint, never the snapshot. */
  private String tokenHash() {
    try {
      TokenFile.Fingerprint fingerprint = tokenFile.fingerprint();
      fingerprint.warning().ifPresent(LOG::warn);
      return fingerprint.hash().orElse(null);
    } catch (IOException e) {
      // The message names the flag and the file, never the token.
      LOG.warn("No token hash for this snapshot: {}", e.getMessage());
      return null;
    }
  }

  private String clusterId() {
    if (clusterId == null) {
      try {
        Namespace ns = client.namespaces().withName("kube-system").get();
        clusterId = ns == null ? null : ns.getMetadata().getUid();
      } catch (KubernetesClientException e) {
        LOG.debug("cannot read namespace kube-system for the cluster id: HTTP {}", e.getCode());
      }
    }
    return clusterId;
  }

  private Map<String, String> extraMetadata() {
    try {
      ConfigMap cm = client.configMaps().inNamespace("kube-system")
          .withName(flavor.program() + "-etcd-snapshot-extra-metadata").get();
      return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    } catch (KubernetesClientException e) {
      LOG.debug("cannot read the extra metadata ConfigMap: HTTP {}", e.getCode());
      return Map.of();
    }
  }
}
