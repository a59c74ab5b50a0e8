package dev.etcdsnapshot.engine.objects;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Values as kube-apiserver writes them to etcd, built with the Kubernetes API's generated protobuf classes: the
 * {@code k8s\0} magic, then a {@code runtime.Unknown} whose typeMeta names the kind and whose raw is the object.
 */
public final class KubeValues {

  private KubeValues() {}

  /** The protobuf envelope around {@code object}. */
  public static byte[] protobuf(String apiVersion, String kind, Message object) {
    Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString()).setContentEncoding("").setContentType("").build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(unknown.toByteArray());
    return out.toByteArray();
  }

  /**
   * Metadata as the API server stores it: name, namespace, uid, creationTimestamp and managedFields set, the
   * resourceVersion empty (etcd's revision is the resourceVersion), and the empty strings the Go marshaller writes.
   */
  public static Meta.ObjectMeta.Builder meta(String namespace, String name) {
    return Meta.ObjectMeta.newBuilder().setName(name).setNamespace(namespace == null ? "" : namespace)
        .setGenerateName("").setSelfLink("").setResourceVersion("")
        .setUid("6f1c2a44-9d0e-4c41-8a8e-2b6f0e1d7c11")
        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1_767_225_600L).setNanos(0))
        .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("kubectl-client-side-apply")
            .setOperation("Update").setApiVersion("v1").setFieldsType("FieldsV1")
            .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}"))));
  }

  /** A ConfigMap value. */
  public static byte[] configMap(String namespace, String name, Map<String, String> data) {
    return protobuf("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta(namespace, name))
        .putAllData(data).build());
  }

  /** A Secret value (type Opaque). */
  public static byte[] secret(String namespace, String name, Map<String, String> data) {
    V1.Secret.Builder secret = V1.Secret.newBuilder().setMetadata(meta(namespace, name)).setType("Opaque");
    data.forEach((k, v) -> secret.putData(k, ByteString.copyFrom(v, StandardCharsets.UTF_8)));
    return protobuf("v1", "Secret", secret.build());
  }

  /** A Namespace value. */
  public static byte[] namespace(String name) {
    return protobuf("v1", "Namespace", V1.Namespace.newBuilder().setMetadata(meta(null, name))
        .setSpec(V1.NamespaceSpec.newBuilder().addFinalizers("kubernetes"))
        .setStatus(V1.NamespaceStatus.newBuilder().setPhase("Active")).build());
  }

  /** A Deployment value with one container, a rolling update of maxSurge 25% and maxUnavailable 1. */
  public static byte[] deployment(String namespace, String name, int replicas, String image) {
    var labels = Meta.LabelSelector.newBuilder().putMatchLabels("app", name);
    V1.PodTemplateSpec template = V1.PodTemplateSpec.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().putLabels("app", name)
            .setCreationTimestamp(Meta.Time.newBuilder()))
        .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName(name).setImage(image)
            .setResources(V1.ResourceRequirements.newBuilder().putLimits("memory",
                io.kubernetes.client.proto.Resource.Quantity.newBuilder().setString("128Mi").build()))))
        .build();
    V1Apps.DeploymentSpec spec = V1Apps.DeploymentSpec.newBuilder().setReplicas(replicas).setSelector(labels)
        .setTemplate(template)
        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
            .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                .setMaxSurge(intOrString("25%")).setMaxUnavailable(intOrString(1))))
        .build();
    return protobuf("apps/v1", "Deployment", V1Apps.Deployment.newBuilder()
        .setMetadata(meta(namespace, name).setGeneration(1)).setSpec(spec)
        .setStatus(V1Apps.DeploymentStatus.newBuilder().setReplicas(replicas).setObservedGeneration(1)).build());
  }

  private static io.kubernetes.client.proto.IntStr.IntOrString intOrString(String s) {
    return io.kubernetes.client.proto.IntStr.IntOrString.newBuilder().setType(1).setStrVal(s).build();
  }

  private static io.kubernetes.client.proto.IntStr.IntOrString intOrString(int i) {
    return io.kubernetes.client.proto.IntStr.IntOrString.newBuilder().setType(0).setIntVal(i).build();
  }

  /** A custom resource as kube-apiserver stores it: JSON, apiVersion and kind included. */
  public static byte[] customResource(String group, String kind, String namespace, String name, String specJson) {
    return ("{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name
        + "\"" + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
        + ",\"uid\":\"0b9b4c1e-1111-4a2b-9c3d-4e5f60718293\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\""
        + ",\"generation\":1},\"spec\":" + specJson + "}\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A value as an EncryptionConfiguration provider writes it: {@code k8s:enc:<provider>:v1:<key>:} and bytes that
   * stand for the ciphertext (the provider's own are random-looking too; nothing here decrypts them).
   */
  public static byte[] encrypted(String provider, String keyName, byte[] ciphertext) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("k8s:enc:" + provider + ":v1:" + keyName + ":").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ciphertext);
    return out.toByteArray();
  }
}
