package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * The S3 Secret of a schedule or request: in the resource's own namespace, or in {@code kube-system} where k3s
 * keeps its {@code <flavor>-etcd-snapshot-s3-config} (k3s-io/k3s pkg/etcd/s3/config_secret.go).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "namespace"})
public class SecretRef {

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("Name of the Secret.")
  private String name;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription(
      "Namespace of the Secret: this resource's own namespace (the default) or kube-system, where k3s keeps " +
      "<flavor>-etcd-snapshot-s3-config. A kube-system Secret must be one the operator is allowed to read " +
      "(chart value s3.kubeSystemSecret, operator flag --kube-system-s3-secret); its etcd-s3-endpoint-ca-name " +
      "ConfigMap is read in kube-system too.")
  private String namespace;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRef other
        && Objects.equals(name, other.name)
        && Objects.equals(namespace, other.namespace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, namespace);
  }

  @Override
  public String toString() {
    return "SecretRef{name=" + name + ", namespace=" + namespace + "}";
  }
}
