package dev.etcdsnapshot.operator.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class S3SecretReaderTest {

  static KubernetesClient client;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void inlineFieldsWinAndTheCaComesFromTheNamedConfigMap() throws Exception {
    client.secrets().inNamespace("a").resource(new SecretBuilder().withNewMetadata().withName("etcd-s3").endMetadata()
        .withType("etcd.k3s.cattle.io/s3-config-secret")
        .addToData("etcd-s3-bucket", b64("from-secret"))
        .addToData("etcd-s3-access-key", b64("AKIAEXAMPLE"))
        .addToData("etcd-s3-secret-key", b64("very-secret"))
        .addToData("etcd-s3-endpoint-ca-name", b64("s3-ca"))
        .build()).create();
    client.configMaps().inNamespace("a").resource(new ConfigMapBuilder().withNewMetadata().withName("s3-ca")
        .endMetadata().addToData("ca.crt", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----").build())
        .create();

    S3Source source = new S3SecretReader(client).read("a", "etcd-s3", Map.of("etcd-s3-bucket", "from-cr"));

    assertThat(source.values()).containsEntry("etcd-s3-bucket", "from-cr")
        .containsEntry("etcd-s3-access-key", "AKIAEXAMPLE");
    assertThat(source.caBundles()).containsExactly("-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----");
    assertThat(source.toString()).doesNotContain("very-secret").doesNotContain("AKIAEXAMPLE");
  }

  @Test
  void aRotatedSecretIsReadOnTheNextCall() throws Exception {
    S3SecretReader reader = new S3SecretReader(client);
    client.secrets().inNamespace("b").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .addToData("etcd-s3-access-key", b64("one")).build()).create();
    assertThat(reader.read("b", "s", Map.of()).values()).containsEntry("etcd-s3-access-key", "one");
    client.secrets().inNamespace("b").withName("s").edit(s -> new SecretBuilder(s)
        .addToData("etcd-s3-access-key", b64("two")).build());
    assertThat(reader.read("b", "s", Map.of()).values()).containsEntry("etcd-s3-access-key", "two");
  }

  @Test
  void missingSecretOrConfigMapIsNamed() {
    S3SecretReader reader = new S3SecretReader(client);
    assertThatThrownBy(() -> reader.read("c", "nope", Map.of()))
        .isInstanceOf(S3ConfigException.class)
        .hasMessage("Secret c/nope (spec.s3.secretRef) does not exist");
    client.secrets().inNamespace("c").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .addToData("etcd-s3-endpoint-ca-name", b64("gone")).addToData("etcd-s3-secret-key", b64("hush"))
        .build()).create();
    assertThatThrownBy(() -> reader.read("c", "s", Map.of()))
        .hasMessage("ConfigMap c/gone named by etcd-s3-endpoint-ca-name does not exist");
  }

  @Test
  void aCaConfigMapWhoseBinaryDataIsNotBase64IsNamedNotThrown() {
    S3SecretReader reader = new S3SecretReader(client);
    client.secrets().inNamespace("d").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .addToData("etcd-s3-endpoint-ca-name", b64("bad-ca")).addToData("etcd-s3-secret-key", b64("hush"))
        .build()).create();
    client.configMaps().inNamespace("d").resource(new ConfigMapBuilder().withNewMetadata().withName("bad-ca")
        .endMetadata().addToBinaryData("ca.der", "not base64 at all!").build()).create();

    assertThatThrownBy(() -> reader.read("d", "s", Map.of()))
        .isInstanceOf(S3ConfigException.class)
        .hasMessage("binaryData key ca.der of ConfigMap d/bad-ca named by etcd-s3-endpoint-ca-name is not valid base64");
  }

  private static dev.etcdsnapshot.model.SnapshotS3Spec spec(String name, String namespace) {
    dev.etcdsnapshot.model.SecretRef ref = new dev.etcdsnapshot.model.SecretRef();
    ref.setName(name);
    ref.setNamespace(namespace);
    dev.etcdsnapshot.model.SnapshotS3Spec spec = new dev.etcdsnapshot.model.SnapshotS3Spec();
    spec.setSecretRef(ref);
    return spec;
  }

  /**
   * k3s pkg/etcd/s3/config_secret.go reads kube-system/<flavor>-etcd-snapshot-s3-config and the CA ConfigMaps it
   * names in kube-system; a schedule in another namespace may name that Secret.
   */
  @Test
  void theKubeSystemSecretK3sUsesIsReadWithItsCaConfigMapInKubeSystem() throws Exception {
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("k3s-etcd-snapshot-s3-config").endMetadata()
        .addToData("etcd-s3-bucket", b64("k3s-bucket"))
        .addToData("etcd-s3-endpoint-ca-name", b64("k3s-s3-ca"))
        .build()).create();
    client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("k3s-s3-ca").endMetadata().addToData("ca.crt", "KUBE-SYSTEM-CA").build()).create();
    client.configMaps().inNamespace("e").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("k3s-s3-ca").endMetadata().addToData("ca.crt", "WRONG-NAMESPACE-CA").build()).create();

    S3Source source = new S3SecretReader(client, java.util.Set.of("k3s-etcd-snapshot-s3-config"))
        .read("e", spec("k3s-etcd-snapshot-s3-config", "kube-system"));

    assertThat(source.values()).containsEntry("etcd-s3-bucket", "k3s-bucket");
    assertThat(source.caBundles()).containsExactly("KUBE-SYSTEM-CA");
  }

  @Test
  void onlyAllowedKubeSystemSecretsAndNoOtherNamespaceMayBeNamed() throws Exception {
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("other").endMetadata().addToData("etcd-s3-bucket", b64("b")).build()).create();
    S3SecretReader reader = new S3SecretReader(client, java.util.Set.of("k3s-etcd-snapshot-s3-config"));

    assertThatThrownBy(() -> reader.read("f", spec("other", "kube-system")))
        .isInstanceOf(S3ConfigException.class)
        .hasMessage("spec.s3.secretRef: Secret kube-system/other is not one the operator may read; allow it with "
            + "--kube-system-s3-secret=other (chart value s3.kubeSystemSecret.name)");
    assertThatThrownBy(() -> reader.read("f", spec("s", "team-b")))
        .hasMessage("spec.s3.secretRef.namespace must be this resource's namespace (f) or kube-system, got team-b");
    client.secrets().inNamespace("f").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .addToData("etcd-s3-bucket", b64("own")).build()).create();
    assertThat(reader.read("f", spec("s", "f")).values()).containsEntry("etcd-s3-bucket", "own");
    assertThat(reader.read("f", spec("s", null)).values()).containsEntry("etcd-s3-bucket", "own");
  }
}
