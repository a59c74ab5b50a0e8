package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1Coordination;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stored values decoded: built-in kinds from protobuf, custom resources from JSON, encrypted values reported. */
class StoredObjectTest {

  private static JsonNode decoded(byte[] value) {
    StoredObject object = StoredObject.decode(value);
    assertThat(object).isInstanceOf(StoredObject.Decoded.class);
    return ((StoredObject.Decoded) object).json();
  }

  @Test
  void aConfigMapComesOutAsTheApiServesIt() throws Exception {
    JsonNode cm = decoded(KubeValues.configMap("default", "app-config", Map.of("mode", "fast", "port", "8080")));
    assertThat(cm).isEqualTo(new ObjectMapper().readTree("""
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "app-config", "namespace": "default",
           "uid": "6f1c2a44-9d0e-4c41-8a8e-2b6f0e1d7c11", "creationTimestamp": "2026-01-01T00:00:00Z",
           "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}]},
         "data": {"mode": "fast", "port": "8080"}}"""));
    assertThat(cm.fieldNames()).toIterable().startsWith("apiVersion", "kind", "metadata");
  }

  @Test
  void secretDataIsBase64AsInTheApi() {
    JsonNode secret = decoded(KubeValues.secret("default", "db", Map.of("password", "s3cr3t")));
    assertThat(secret.path("type").asText()).isEqualTo("Opaque");
    assertThat(secret.path("data").path("password").asText())
        .isEqualTo(Base64.getEncoder().encodeToString("s3cr3t".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDeploymentKeepsIntOrStringQuantitiesAndItsNumbers() {
    JsonNode d = decoded(KubeValues.deployment("default", "web", 3, "nginx:1.27"));
    assertThat(d.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(d.path("kind").asText()).isEqualTo("Deployment");
    assertThat(d.path("spec").path("replicas").isInt()).isTrue();
    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode rolling = d.path("spec").path("strategy").path("rollingUpdate");
    assertThat(rolling.path("maxSurge").isTextual()).isTrue();
    assertThat(rolling.path("maxSurge").asText()).isEqualTo("25%");
    assertThat(rolling.path("maxUnavailable").isInt()).isTrue();
    JsonNode container = d.path("spec").path("template").path("spec").path("containers").get(0);
    assertThat(container.path("image").asText()).isEqualTo("nginx:1.27");
    assertThat(container.path("resources").path("limits").path("memory").asText()).isEqualTo("128Mi");
    // The template's zero creationTimestamp is an empty message on the wire and null in the API: left out.
    assertThat(d.path("spec").path("template").path("metadata").has("creationTimestamp")).isFalse();
    assertThat(d.path("metadata").path("generation").asLong()).isEqualTo(1);
  }

  @Test
  void microTimeKeepsMicroseconds() {
    byte[] lease = KubeValues.protobuf("coordination.k8s.io/v1", "Lease", V1Coordination.Lease.newBuilder()
        .setMetadata(KubeValues.meta("kube-node-lease", "n1"))
        .setSpec(V1Coordination.LeaseSpec.newBuilder().setHolderIdentity("n1").setLeaseDurationSeconds(40)
            .setRenewTime(Meta.MicroTime.newBuilder().setSeconds(1_767_225_600L).setNanos(123_456_000)))
        .build());
    JsonNode json = decoded(lease);
    assertThat(json.path("spec").path("renewTime").asText()).isEqualTo("2026-01-01T00:00:00.123456Z");
  }

  @Test
  void aCustomResourceIsReadFromItsJson() {
    JsonNode cr = decoded(KubeValues.customResource("example.com", "Widget", "team-a", "w1", "{\"size\":3}"));
    assertThat(cr.path("apiVersion").asText()).isEqualTo("example.com/v1");
    assertThat(cr.path("spec").path("size").asInt()).isEqualTo(3);
  }

  @Test
  void anEncryptedValueIsReportedWithItsProviderAndKeyAndNeverDecoded() {
    byte[] value = KubeValues.encrypted("aescbc", "key1", "not-to-be-read".getBytes(StandardCharsets.UTF_8));
    StoredObject object = StoredObject.decode(value);
    assertThat(object).isEqualTo(new StoredObject.Encrypted("aescbc", "v1", "key1"));
    assertThat(((StoredObject.Encrypted) object).describe())
        .isEqualTo("encrypted at rest by the aescbc provider (v1, key key1); it can only be read with that key, "
            + "which a snapshot does not hold")
        .doesNotContain("not-to-be-read");
  }

  @Test
  void kmsV2IsReportedToo() {
    byte[] value = ("k8s:enc:kms:v2:vault:" + "\u0000\u0001binary").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(StoredObject.decode(value)).isEqualTo(new StoredObject.Encrypted("kms", "v2", "vault"));
  }

  @Test
  void anUnknownProtobufKindIsReportedNotCrashedOn() {
    byte[] value = KubeValues.protobuf("example.com/v1", "Gadget",
        Meta.ObjectMeta.newBuilder().setName("g").build());
    assertThat(StoredObject.decode(value)).isEqualTo(new StoredObject.Undecodable(
        "protobuf kind Gadget in example.com/v1 is not among the Kubernetes types this build knows"));
  }

  @Test
  void truncatedProtobufAndGarbageAreReported() {
    byte[] full = KubeValues.configMap("default", "x", Map.of("k", "v"));
    assertThat(StoredObject.decode(Arrays.copyOf(full, full.length - 5)))
        .isInstanceOf(StoredObject.Undecodable.class);
    assertThat(StoredObject.decode(new byte[] {1, 2, 3})).isEqualTo(new StoredObject.Undecodable(
        "neither kube-apiserver's protobuf envelope, JSON, nor an encrypted value (3 bytes)"));
    assertThat(StoredObject.decode("{\"password\": \"x\"".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new StoredObject.Undecodable("JSON that does not parse"));
  }
}
