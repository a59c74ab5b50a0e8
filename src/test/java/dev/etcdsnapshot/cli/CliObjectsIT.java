package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.etcdsnapshot.engine.objects.KubeValues;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * get and diff against snapshots the engine took of a real etcd holding objects exactly as kube-apiserver writes
 * them (protobuf envelopes built with the Kubernetes API's generated classes, a custom resource as JSON, a Secret
 * encrypted with AES-GCM as the aesgcm provider stores it), and the YAML get prints applied to an API server.
 */
@EnableKubernetesMockClient(crud = true)
class CliObjectsIT {

  private static final String PLAINTEXT_PASSWORD = "hunter2-never-printed";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient kubernetes;

  @TempDir static Path tmp;
  private static EtcdCluster etcd;
  private static Path dir;
  private static String before;
  private static String after;
  private static String beforeZip;

  @BeforeAll
  static void snapshotsOfAClusterBeforeAndAfterAMistake() throws Exception {
    etcd = EtcdCluster.start(1);
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    try (Client client = etcd.client(0)) {
      put(client, "/registry/namespaces/team-a", KubeValues.namespace("team-a"));
      put(client, "/registry/configmaps/default/precious",
          KubeValues.configMap("default", "precious", Map.of("mode", "fast", "port", "8080", "script", "#!/bin/sh\necho hi\n")));
      put(client, "/registry/configmaps/default/edited", KubeValues.configMap("default", "edited", Map.of("k", "1")));
      put(client, "/registry/configmaps/team-a/precious",
          KubeValues.configMap("team-a", "precious", Map.of("other", "namespace")));
      put(client, "/registry/secrets/default/db", KubeValues.secret("default", "db", Map.of("user", "app")));
      put(client, "/registry/secrets/default/sealed", aesGcm("/registry/secrets/default/sealed",
          KubeValues.secret("default", "sealed", Map.of("password", PLAINTEXT_PASSWORD))));
      put(client, "/registry/deployments/default/web", KubeValues.deployment("default", "web", 3, "nginx:1.27"));
      put(client, "/registry/example.com/widgets/team-a/w1",
          KubeValues.customResource("example.com", "Widget", "team-a", "w1", "{\"size\":3}"));
      // An object written and deleted before the snapshot is not in it.
      put(client, "/registry/configmaps/default/short-lived", KubeValues.configMap("default", "short-lived", Map.of()));
      client.getKVClient().delete(bytes("/registry/configmaps/default/short-lived")).get(10, TimeUnit.SECONDS);
    }
    before = save("before", false);
    beforeZip = save("zipped", true);
    try (Client client = etcd.client(0)) {
      client.getKVClient().delete(bytes("/registry/configmaps/default/precious")).get(10, TimeUnit.SECONDS);
      put(client, "/registry/configmaps/default/edited", KubeValues.configMap("default", "edited", Map.of("k", "2")));
      put(client, "/registry/deployments/default/web", KubeValues.deployment("default", "web", 5, "nginx:1.27"));
      put(client, "/registry/configmaps/default/new", KubeValues.configMap("default", "new", Map.of()));
    }
    after = save("after", false);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void aDeletedConfigMapComesBackWithKubectlApplyFromTheSnapshotBefore() throws Exception {
    CliRun gone = CliRun.of("get", "--dir", dir.toString(), after, "configmaps", "precious");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.errLines()).containsExactly("no configmaps named precious in namespace default in snapshot "
        + dir.resolve(after));

    CliRun get = CliRun.of("get", "--dir", dir.toString(), before, "cm", "precious");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.err()).isEmpty();
    assertThat(get.out()).isEqualTo("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: precious
          namespace: default
        data:
          mode: fast
          port: "8080"
          script: |
            #!/bin/sh
            echo hi
        """);

    // What kubectl apply -f does with it: the API server takes it and the data is back.
    kubernetes.resourceList(get.out()).create();
    ConfigMap restored = kubernetes.configMaps().inNamespace("default").withName("precious").get();
    assertThat(restored.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("mode", "fast", "port", "8080",
        "script", "#!/bin/sh\necho hi\n"));
  }

  @Test
  void theZipHoldsTheSameObjects() {
    CliRun raw = CliRun.of("get", "--dir", dir.toString(), before, "configmaps", "-A", "-o", "json");
    CliRun zip = CliRun.of("get", dir.resolve(beforeZip).toString(), "configmaps", "-A", "-o", "json");
    assertThat(zip.code()).as(zip.err()).isZero();
    assertThat(zip.out()).isEqualTo(raw.out()).contains("\"kind\" : \"List\"");
  }

  @Test
  void getPrintsBuiltInsAndCustomResourcesAsTheApiWould() throws Exception {
    JsonNode web = JSON.readTree(CliRun.of("get", "--dir", dir.toString(), before, "deployments.apps", "web",
        "-o", "json").out());
    assertThat(web.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(web.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(web.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asText()).isEqualTo("25%");
    assertThat(web.has("status")).isFalse();

    JsonNode stored = JSON.readTree(CliRun.of("get", "--dir", dir.toString(), before, "deploy", "web", "-o", "json",
        "--as-stored").out());
    assertThat(stored.path("metadata").path("uid").asText()).isEqualTo("6f1c2a44-9d0e-4c41-8a8e-2b6f0e1d7c11");
    assertThat(stored.path("metadata").path("creationTimestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(stored.path("status").path("replicas").asInt()).isEqualTo(3);

    JsonNode widget = YAML.readTree(CliRun.of("get", "--dir", dir.toString(), before, "widgets.example.com", "w1",
        "-n", "team-a").out());
    assertThat(widget.path("kind").asText()).isEqualTo("Widget");
    assertThat(widget.path("spec").path("size").asInt()).isEqualTo(3);
    assertThat(widget.path("metadata").has("uid")).isFalse();

    JsonNode ns = YAML.readTree(CliRun.of("get", "--dir", dir.toString(), before, "ns", "team-a").out());
    assertThat(ns.path("kind").asText()).isEqualTo("Namespace");
    assertThat(ns.path("spec").path("finalizers").get(0).asText()).isEqualTo("kubernetes");

    JsonNode all = YAML.readTree(CliRun.of("get", "--dir", dir.toString(), before, "configmaps", "precious", "-A")
        .out());
    assertThat(all.path("kind").asText()).as("one name in every namespace: a List of each match").isEqualTo("List");
    assertThat(all.path("items")).extracting(i -> i.path("metadata").path("namespace").asText())
        .containsExactly("default", "team-a");
  }

  @Test
  void anEncryptedSecretIsReportedWithItsProviderAndTheOthersStillPrint() throws Exception {
    CliRun get = CliRun.of("get", "--dir", dir.toString(), before, "secrets");
    assertThat(get.code()).isEqualTo(1);
    assertThat(get.errLines()).containsExactly("secrets/default/sealed: encrypted at rest by the aesgcm provider "
        + "(v1, key key1); it can only be read with that key, which a snapshot does not hold");
    JsonNode list = YAML.readTree(get.out());
    assertThat(list.path("kind").asText()).isEqualTo("List");
    assertThat(list.path("items")).hasSize(1);
    assertThat(list.path("items").get(0).path("data").path("user").asText())
        .isEqualTo(Base64.getEncoder().encodeToString("app".getBytes(StandardCharsets.UTF_8)));
    String everything = get.out() + get.err();
    assertThat(everything).doesNotContain(PLAINTEXT_PASSWORD)
        .doesNotContain(Base64.getEncoder().encodeToString(PLAINTEXT_PASSWORD.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void diffListsWhatChangedAndShowsOneChange() {
    CliRun diff = CliRun.of("diff", "--dir", dir.toString(), before, after, "--show", "deployments.apps/default/web");
    assertThat(diff.code()).as(diff.err()).isZero();
    assertThat(diff.out()).startsWith("""
        configmaps: 1 added, 1 removed, 1 changed
          + default/new
          - default/precious
          ~ default/edited
        deployments.apps: 0 added, 0 removed, 1 changed
          ~ default/web
        1 added, 1 removed, 2 changed (8 objects in A, 8 in B).
        --- a/deployments.apps/default/web
        +++ b/deployments.apps/default/web
        """);
    assertThat(diff.out()).contains("\n-  replicas: 3\n+  replicas: 5\n");

    CliRun same = CliRun.of("diff", "--dir", dir.toString(), before, beforeZip);
    assertThat(same.out()).isEqualTo("No objects differ (8 in A, 8 in B).\n");
  }

  @Test
  void diffAsJsonOrYamlCarriesTheCountsEveryChangeAndTheShownPatch() throws Exception {
    CliRun json = CliRun.of("diff", "--dir", dir.toString(), before, after, "-o", "json", "--show",
        "deployments.apps/default/web");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.get("objectsA").asInt()).isEqualTo(8);
    assertThat(doc.get("objectsB").asInt()).isEqualTo(8);
    assertThat(doc.get("added").asInt()).isEqualTo(1);
    assertThat(doc.get("removed").asInt()).isEqualTo(1);
    assertThat(doc.get("changed").asInt()).isEqualTo(2);
    assertThat(doc.get("changes").toString()).isEqualTo("["
        + "{\"resource\":\"configmaps\",\"object\":\"default/new\",\"change\":\"added\"},"
        + "{\"resource\":\"configmaps\",\"object\":\"default/precious\",\"change\":\"removed\"},"
        + "{\"resource\":\"configmaps\",\"object\":\"default/edited\",\"change\":\"changed\"},"
        + "{\"resource\":\"deployments.apps\",\"object\":\"default/web\",\"change\":\"changed\"}]");
    assertThat(doc.at("/show/object").asText()).isEqualTo("deployments.apps/default/web");
    assertThat(doc.at("/show/inA").asBoolean()).isTrue();
    assertThat(doc.at("/show/inB").asBoolean()).isTrue();
    assertThat(doc.at("/show/patch").asText()).startsWith("--- a/deployments.apps/default/web\n")
        .contains("\n-  replicas: 3\n+  replicas: 5\n");

    CliRun yaml = CliRun.of("diff", "--dir", dir.toString(), before, after, "-o", "yaml", "--show",
        "deployments.apps/default/web");
    assertThat(yaml.code()).as(yaml.err()).isZero();
    assertThat(new ObjectMapper(new YAMLFactory()).readTree(yaml.out())).isEqualTo(doc);

    CliRun same = CliRun.of("diff", "--dir", dir.toString(), before, beforeZip, "-o", "json");
    JsonNode none = new ObjectMapper().readTree(same.out());
    assertThat(none.get("changes").isEmpty()).isTrue();
    assertThat(none.has("show")).isFalse();

    CliRun bad = CliRun.of("diff", "--dir", dir.toString(), before, after, "-o", "xml");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.errLines()).containsExactly("-o must be text, json or yaml, got 'xml'");
  }

  @Test
  void badInputIsOneLineNamingTheArgument() {
    CliRun format = CliRun.of("get", "--dir", dir.toString(), before, "cm", "-o", "xml");
    assertThat(format.code()).isEqualTo(1);
    assertThat(format.errLines()).containsExactly("-o must be yaml or json, got 'xml'");
    CliRun show = CliRun.of("diff", "--dir", dir.toString(), before, after, "--show", "configmaps/precious");
    assertThat(show.errLines()).containsExactly("--show: configmaps are namespaced; give "
        + "configmaps/NAMESPACE/precious");
    CliRun missing = CliRun.of("get", "--dir", dir.toString(), "no-such-snapshot", "cm");
    assertThat(missing.errLines()).singleElement().asString().contains("no-such-snapshot").contains("no such");
    Path notASnapshot = tmp.resolve("not-a-snapshot");
    CliRun garbage;
    try {
      Files.write(notASnapshot, new byte[8192]);
      garbage = CliRun.of("get", notASnapshot.toString(), "cm");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(garbage.code()).isEqualTo(1);
    assertThat(garbage.errLines()).hasSize(1);
  }

  private static String save(String name, boolean compress) throws Exception {
    CliRun save = compress
        ? CliRun.of("save", "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(), "--node-name", "n1",
            "--name", name, "--etcd-snapshot-compress")
        : CliRun.of("save", "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(), "--node-name", "n1",
            "--name", name);
    assertThat(save.code()).as(save.err()).isZero();
    return save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
  }

  private static void put(Client client, String key, byte[] value) throws Exception {
    client.getKVClient().put(bytes(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /**
   * The aesgcm provider's value: {@code k8s:enc:aesgcm:v1:<key name>:}, a 12-byte nonce, then AES-GCM of the
   * plaintext with the etcd key as additional data.
   */
  private static byte[] aesGcm(String etcdKey, byte[] plaintext) throws Exception {
    byte[] key = new byte[32];
    byte[] nonce = new byte[12];
    SecureRandom random = new SecureRandom();
    random.nextBytes(key);
    random.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    cipher.updateAAD(etcdKey.getBytes(StandardCharsets.UTF_8));
    byte[] sealed = cipher.doFinal(plaintext);
    byte[] prefix = "k8s:enc:aesgcm:v1:key1:".getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(prefix.length + nonce.length + sealed.length).put(prefix).put(nonce).put(sealed)
        .array();
  }
}
