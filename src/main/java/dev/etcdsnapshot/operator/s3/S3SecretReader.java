package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.SecretRef;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the S3 Secret (k3s keys, k3s-compat §8.1) and its CA ConfigMap from the API server on every call — never
 * cached, so a rotated Secret is used by the very next operation.
 *
 * <p>The Secret is in the CR's namespace, or in kube-system where k3s keeps {@code <flavor>-etcd-snapshot-s3-config}
 * when {@code secretRef.namespace} says so and the operator was allowed that Secret by name.
 *
 * <p>Precedence: inline fields of the CR's {@code spec.s3} win over the same keys in the Secret; the Secret supplies
 * the credentials and whatever the CR leaves unset. This lets one credentials Secret serve schedules with different
 * buckets or folders. (k3s never merges its flags with the Secret; it has no per-schedule settings to merge.)
 */
public final class S3SecretReader {

  /** The key naming a ConfigMap in the Secret's namespace whose every value is a CA bundle. */
  public static final String CA_NAME_KEY = "etcd-s3-endpoint-ca-name";

  /** The one namespace besides the resource's own that a Secret may be read from (where k3s keeps its). */
  public static final String KUBE_SYSTEM = "kube-system";

  private final KubernetesClient client;
  private final Set<String> kubeSystemSecrets;

  /** A reader of Secrets in the resources' own namespaces only. */
  public S3SecretReader(KubernetesClient client) {
    this(client, Set.of());
  }

  /**
   * @param kubeSystemSecrets the Secrets in kube-system a resource may name ({@code --kube-system-s3-secret}): the
   *     ones RBAC lets the operator read there, by name
   */
  public S3SecretReader(KubernetesClient client, Set<String> kubeSystemSecrets) {
    this.client = client;
    this.kubeSystemSecrets = Set.copyOf(kubeSystemSecrets);
  }

  /** The Secrets in kube-system resources may name. */
  public Set<String> kubeSystemSecrets() {
    return kubeSystemSecrets;
  }

  /**
   * Reads the configuration of a resource's {@code spec.s3} for one operation: its Secret (in the resource's
   * namespace, or kube-system) and its inline fields.
   *
   * @param namespace the resource's namespace
   */
  public S3Source read(String namespace, SnapshotS3Spec spec) throws S3ConfigException {
    SecretRef ref = spec.getSecretRef();
    String name = ref == null ? null : ref.getName();
    return read(namespace, secretNamespace(namespace, ref), name, S3Inline.values(spec));
  }

  /**
   * The namespace the resource's Secret is in: its own unless {@code secretRef.namespace} says kube-system.
   *
   * @throws S3ConfigException naming {@code spec.s3.secretRef.namespace} for any other namespace, or a kube-system
   *     Secret the operator was not allowed to read
   */
  public String secretNamespace(String namespace, SecretRef ref) throws S3ConfigException {
    String wanted = ref == null ? null : ref.getNamespace();
    if (wanted == null || wanted.isEmpty() || wanted.equals(namespace)) {
      return namespace;
    }
    if (!KUBE_SYSTEM.equals(wanted)) {
      throw new S3ConfigException("spec.s3.secretRef.namespace must be this resource's namespace (" + namespace
          + ") or " + KUBE_SYSTEM + ", got " + wanted);
    }
    if (!kubeSystemSecrets.contains(ref.getName())) {
      throw new S3ConfigException("spec.s3.secretRef: Secret " + KUBE_SYSTEM + "/" + ref.getName() + " is not one "
          + "the operator may read; allow it with --kube-system-s3-secret=" + ref.getName()
          + " (chart value s3.kubeSystemSecret.name)");
    }
    return KUBE_SYSTEM;
  }

  /**
   * Reads the configuration for one operation from a Secret in the CR's namespace.
   *
   * @param namespace the CR's namespace, where the Secret and the CA ConfigMap live
   * @param secretName {@code spec.s3.secretRef.name}, or {@code null} for inline fields only
   * @param inline the CR's inline fields as k3s keys; they override the Secret
   */
  public S3Source read(String namespace, String secretName, Map<String, String> inline) throws S3ConfigException {
    return read(namespace, namespace, secretName, inline);
  }

  /**
   * Reads the configuration for one operation. A CA ConfigMap named by the Secret is read in the Secret's
   * namespace (k3s reads it in kube-system, beside its Secret); one named inline in the CR's.
   *
   * @param namespace the CR's namespace
   * @param secretNamespace the Secret's namespace, already checked by {@link #secretNamespace}
   */
  S3Source read(String namespace, String secretNamespace, String secretName, Map<String, String> inline)
      throws S3ConfigException {
    Map<String, String> values = new HashMap<>();
    if (secretName != null && !secretName.isBlank()) {
      values.putAll(secretData(secretNamespace, secretName));
    }
    String caNamespace = secretNamespace;
    if (inline.get(CA_NAME_KEY) != null) {
      caNamespace = namespace;
    }
    inline.forEach((k, v) -> {
      if (v != null) {
        values.put(k, v);
      }
    });
    String caName = values.get(CA_NAME_KEY);
    List<String> bundles = caName == null || caName.isBlank() ? List.of() : caBundles(caNamespace, caName);
    return new S3Source(values, bundles, Optional.ofNullable(secretName).filter(s -> !s.isBlank()));
  }

  private Map<String, String> secretData(String namespace, String name) throws S3ConfigException {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw new S3ConfigException("Secret " + namespace + "/" + name + " (spec.s3.secretRef) could not be read: HTTP "
          + e.getCode());
    }
    if (secret == null) {
      throw new S3ConfigException("Secret " + namespace + "/" + name + " (spec.s3.secretRef) does not exist");
    }
    Map<String, String> data = new TreeMap<>();
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    if (secret.getData() != null) {
      for (var e : secret.getData().entrySet()) {
        data.put(e.getKey(), decode(namespace, name, e.getKey(), e.getValue()));
      }
    }
    return data;
  }

  private static String decode(String namespace, String name, String key, String base64) throws S3ConfigException {
    try {
      return new String(Base64.getDecoder().decode(base64 == null ? "" : base64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new S3ConfigException("key " + key + " of Secret " + namespace + "/" + name + " is not valid base64");
    }
  }

  private List<String> caBundles(String namespace, String configMapName) throws S3ConfigException {
    ConfigMap cm;
    try {
      cm = client.configMaps().inNamespace(namespace).withName(configMapName).get();
    } catch (KubernetesClientException e) {
      throw new S3ConfigException("ConfigMap " + namespace + "/" + configMapName + " (" + CA_NAME_KEY
          + ") could not be read: HTTP " + e.getCode());
    }
    if (cm == null) {
      throw new S3ConfigException("ConfigMap " + namespace + "/" + configMapName + " named by " + CA_NAME_KEY
          + " does not exist");
    }
    List<String> pems = new ArrayList<>();
    if (cm.getData() != null) {
      pems.addAll(new TreeMap<>(cm.getData()).values());
    }
    if (cm.getBinaryData() != null) {
      for (var e : new TreeMap<>(cm.getBinaryData()).entrySet()) {
        try {
          pems.add(new String(Base64.getDecoder().decode(e.getValue() == null ? "" : e.getValue().trim()),
              StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
          throw new S3ConfigException("binaryData key " + e.getKey() + " of ConfigMap " + namespace + "/"
              + configMapName + " named by " + CA_NAME_KEY + " is not valid base64");
        }
      }
    }
    return pems;
  }
}
