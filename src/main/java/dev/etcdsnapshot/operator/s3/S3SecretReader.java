package dev.etcdsnapshot.operator.s3;

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
import java.util.TreeMap;

/**
 * Reads the S3 Secret (k3s keys, k3s-compat §8.1) and its CA ConfigMap from the API server on every call — never
 * cached, so a rotated Secret is used by the very next operation.
 *
 * <p>Precedence: inline fields of the CR's {@code spec.s3} win over the same keys in the Secret; the Secret supplies
 * the credentials and whatever the CR leaves unset. This lets one credentials Secret serve schedules with different
 * buckets or folders. (k3s never merges its flags with the Secret; it has no per-schedule settings to merge.)
 */
public final class S3SecretReader {

  /** The key naming a ConfigMap in the Secret's namespace whose every value is a CA bundle. */
  public static final String CA_NAME_KEY = "etcd-s3-endpoint-ca-name";

  private final KubernetesClient client;

  public S3SecretReader(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Reads the configuration for one operation.
   *
   * @param namespace the CR's namespace, where the Secret and the CA ConfigMap live
   * @param secretName {@code spec.s3.secretRef.name}, or {@code null} for inline fields only
   * @param inline the CR's inline fields as k3s keys; they override the Secret
   */
  public S3Source read(String namespace, String secretName, Map<String, String> inline) throws S3ConfigException {
    Map<String, String> values = new HashMap<>();
    if (secretName != null && !secretName.isBlank()) {
      values.putAll(secretData(namespace, secretName));
    }
    inline.forEach((k, v) -> {
      if (v != null) {
        values.put(k, v);
      }
    });
    String caName = values.get(CA_NAME_KEY);
    List<String> bundles = caName == null || caName.isBlank() ? List.of() : caBundles(namespace, caName);
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
